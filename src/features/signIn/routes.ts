/**
 * Sign-in's routes: /signout, Teams' token exchange and the fallback pages' verifyState, and the
 * in-place sign-in card's buttons. Without per-user sign-in only /signout answers (it is not used).
 */
import { cardMessage } from '../../cards/messages';
import { signInNotUsedCard } from '../../cards/signInCards';
import { VERBS } from '../../cards/verbs';
import type { FeatureRoutes } from '../routes';
import type { SignInFlow } from './signInFlow';

const SIGN_OUT_COMMANDS = ['/signout', 'signout', 'sign out', '/logout'];

export function registerSignIn(routes: FeatureRoutes, signIn: SignInFlow | undefined): void {
  routes.command(SIGN_OUT_COMMANDS, async (turn) => {
    if (signIn) await signIn.signOut(turn);
    else await turn.send(cardMessage(signInNotUsedCard()));
  });
  if (!signIn) return;
  routes.invoke('signin/tokenExchange', (turn) => signIn.onTokenExchange(turn));
  routes.invoke('signin/verifyState', (turn) => signIn.onVerifyState(turn));
  routes.cardExecute<{ pendingKey?: unknown }>(VERBS.signInInPlace, (turn, data) => signIn.onInPlaceSignIn(turn, data.pendingKey));
  routes.cardSubmit<{ pendingKey?: unknown }>(VERBS.signInDirect, (turn, data) => signIn.onDirectSignIn(turn, data.pendingKey));
}
