/** Shared spaces' routes: "Share with everyone here" and "Ask this as me" on private answers. */
import { VERBS } from '../../cards/verbs';
import type { FeatureRoutes } from '../routes';
import type { Sharing } from './sharing';

export function registerSharedSpaces(routes: FeatureRoutes, sharing: Sharing): void {
  routes.cardExecute<{ answerKey?: unknown }>(VERBS.shareAnswer, (turn, data) => sharing.share(turn, data));
  routes.cardExecute<{ answerKey?: unknown }>(VERBS.askAsMe, (turn, data) => sharing.askAsMe(turn, data));
  // Clients without Universal Actions send the fallback Action.Submit: same checks, the reply as a message.
  routes.cardSubmit<{ answerKey?: unknown; verb?: string }>([VERBS.shareAnswer, VERBS.askAsMe], async (turn, data) => {
    const result = data.verb === VERBS.shareAnswer ? await sharing.share(turn, data) : await sharing.askAsMe(turn, data);
    if (typeof result === 'string') await turn.send(result);
  });
}
