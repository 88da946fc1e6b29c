/**
 * Signing people in so Q answers as them: Teams SSO (OAuthCard → signin/tokenExchange) in 1:1
 * chats, Universal Actions (loginRequest → token in the next invoke) in channels and group chats,
 * the bot-hosted fallback pages (signin/verifyState), and the development sign-in of the playground.
 * Every token is validated first; the Identity Center, STS and Q work happens after Teams has its
 * answer, and the question that triggered sign-in is then answered without being retyped.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { cannotMessagePrivatelyCard, identityFailureCard, inPlaceSignInCard, loginRequest, oauthCard, signedInCard, signedOutCard, signInSentPrivatelyCard } from '../../cards/signInCards';
import type { AdaptiveCardJson } from '../../cards/types';
import { errorForLog } from '../../errors';
import type { SsoConfig } from '../../identity/signInSettings';
import type { EntraTokenValidator, ValidatedToken } from '../../identity/entraToken';
import { IdentityFailure } from '../../identity/identityFailure';
import type { LocalDevTokens } from '../../identity/localDevTokens';
import type { UserSessions } from '../../identity/userSessions';
import { cardMessage } from '../../cards/messages';
import type { AskingUser } from '../../domain/askingUser';
import { isOneToOne, type ProactiveTurns, type TeamsTurn } from '../../domain/turn';
import type { Answering, Ask, AskOptions, ResumeAfterSignIn } from '../answering/answerQuestion';
import type { ConversationTurns } from '../answering/conversationTurns';
import type { OnceClaims } from './onceClaims';
import type { WaitingQuestion, WaitingQuestionStore } from './waitingQuestions';
import { telemetry } from '../../telemetry';

export interface SignInDependencies {
  sso: SsoConfig;
  sessions: UserSessions;
  validator: EntraTokenValidator;
  waiting: WaitingQuestionStore;
  turns: ConversationTurns;
  /** Token exchanges Teams delivers more than once (to one or several instances) are done once. */
  claims: OnceClaims;
  proactive: ProactiveTurns;
  logger: Logger;
  devTokens?: LocalDevTokens;
  /** Answers the question that was waiting for sign-in (the answer loop). */
  answering: Pick<Answering, 'answer'>;
}

/** Runs a feature again after sign-in, in the conversation its question was asked in. */
export type ResumeHandler = (turn: TeamsTurn, data: Readonly<Record<string, string>>) => Promise<void>;

export class SignInFlow {
  private readonly resumers = new Map<string, ResumeHandler>();

  constructor(private readonly deps: SignInDependencies) {}

  /** A feature whose questions need more than their words registers how it runs again (see ResumeAfterSignIn). */
  onResume(name: string, handler: ResumeHandler): void {
    this.resumers.set(name, handler);
  }

  private get signInUrl(): string | undefined {
    return this.deps.sso.botEndpoint ? `${this.deps.sso.botEndpoint}/auth-start.html` : undefined;
  }

  /** A question arrived from someone without a session: keep it, and start the right sign-in. */
  async start(turn: TeamsTurn, question: string, askedBy?: string, resume?: ResumeAfterSignIn): Promise<void> {
    const user = turn.asker;
    const reference = turn.address();
    const waiting = await this.deps.waiting.add(user.key, question, reference, askedBy, resume);
    const log = this.deps.logger.child({ activityId: turn.activity.id, event: 'signIn' });

    if (this.deps.devTokens) {
      // Development only: the playground's user, or (F5 in Teams against the local services)
      // the configured sample person for everyone.
      const signInAs = this.deps.sso.devLocalSignInUser ?? turn.activity.from.aadObjectId ?? '';
      log.info({ outcome: 'devLocalSignIn' }, 'signing in through the local development issuer');
      let token: string;
      try {
        token = await this.deps.devTokens.tokenFor(signInAs);
      } catch (error) {
        if (!(error instanceof IdentityFailure)) throw error;
        this.logFailure(turn, error);
        await turn.send(cardMessage(identityFailureCard(error.kind)));
        return;
      }
      const holder = this.deps.sso.devLocalSignInUser ? { aadObjectId: signInAs } : holderOf(turn);
      const validated = await this.validateOrExplain(turn, token, true, holder);
      if (validated) await this.complete(turn, user, validated);
      return;
    }
    if (isOneToOne(turn.surface)) {
      log.info({ outcome: 'oauthCard' }, 'sign-in started with Teams SSO');
      await turn.send({ type: 'message', attachments: [oauthCard(this.newResource(), this.signInUrl)] });
    } else {
      log.info({ outcome: 'inPlaceCard' }, 'sign-in started in place (Universal Actions)');
      await turn.send(cardMessage(inPlaceSignInCard(waiting.id, user.name)));
    }
  }

  /** invoke signin/tokenExchange: deduplicate, validate, answer Teams, then finish sign-in. */
  async onTokenExchange(turn: TeamsTurn): Promise<void> {
    const value = (turn.activity.value ?? {}) as { id?: unknown; connectionName?: unknown; token?: unknown };
    const id = typeof value.id === 'string' ? value.id : '';
    const reply = { id, connectionName: typeof value.connectionName === 'string' ? value.connectionName : '' };
    const user = turn.asker;
    const log = this.deps.logger.child({ activityId: turn.activity.id, event: 'tokenExchange' });
    if (!id || typeof value.token !== 'string') {
      await invokeResponse(turn, 400, { ...reply, failureDetail: 'The token exchange carries no id or token.' });
      return;
    }
    let validated: ValidatedToken;
    try {
      validated = await this.deps.validator.validate(value.token, holderOf(turn));
    } catch (error) {
      const detail = error instanceof IdentityFailure ? error.adminDetail : 'validation failed';
      log.warn({ outcome: 'rejected', reason: detail }, 'SSO token refused; Teams falls back to the sign-in button');
      telemetry.signIns.add(1, { outcome: 'tokenRejected' });
      await invokeResponse(turn, 412, { ...reply, failureDetail: 'The token could not be accepted.' });
      return;
    }
    // Claimed only once the token checks out, so a refused one doesn't swallow Teams' redelivery.
    // Identity Center refuses an assertion it has seen: one exchange per id and per token, across instances.
    if (!(await this.deps.claims.claim('exchange', user.key, id)) || !(await this.deps.claims.claim('assertion', value.token))) {
      log.info({ outcome: 'duplicate' }, 'duplicate token exchange ignored');
      await invokeResponse(turn, 200, reply);
      return;
    }
    await invokeResponse(turn, 200, reply);
    this.finishInBackground(turn, user, validated);
  }

  /** invoke signin/verifyState: the fallback sign-in pages hand over the token they obtained. */
  async onVerifyState(turn: TeamsTurn): Promise<void> {
    const state = (turn.activity.value as { state?: unknown } | undefined)?.state;
    const user = turn.asker;
    try {
      if (typeof state !== 'string') throw new IdentityFailure('tokenRejected', 'verifyState carries no token');
      const validated = await this.deps.validator.validate(state, holderOf(turn));
      await invokeResponse(turn, 200, {});
      this.finishInBackground(turn, user, validated);
    } catch (error) {
      const detail = error instanceof IdentityFailure ? error.adminDetail : (error as Error).message;
      this.deps.logger.warn({ activityId: turn.activity.id, event: 'verifyState', outcome: 'rejected', reason: detail }, 'fallback sign-in refused');
      telemetry.signIns.add(1, { outcome: 'tokenRejected' });
      await invokeResponse(turn, 412, { failureDetail: 'The sign-in could not be accepted.' });
    }
  }

  /**
   * Action.Execute on the in-place sign-in card. Without a token, ask Teams for one (401 +
   * loginRequest); with the token Teams then sends, sign in, answer in the thread, and replace
   * the sign-in card.
   */
  async onInPlaceSignIn(turn: TeamsTurn, pendingKey: unknown): Promise<AdaptiveCardJson | string> {
    const user = turn.asker;
    if (typeof pendingKey !== 'string' || !(await this.deps.waiting.has(user.key, pendingKey))) {
      return 'This sign-in button belongs to someone else’s question. Mention me with your own question to get an answer.';
    }
    // Silent SSO puts the token in `authentication`; after the fallback sign-in pages, Teams resends
    // the invoke with what they returned (the token, from auth-end.html) in `state`.
    const value = turn.activity.value as { authentication?: { token?: unknown }; state?: unknown };
    const token = value.authentication?.token ?? value.state;
    if (typeof token !== 'string') {
      await invokeResponse(turn, 200, { statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest', value: loginRequest(this.newResource(), this.signInUrl) });
      return '';
    }
    const validated = await this.validateOrExplain(turn, token, false);
    if (!validated) return identityFailureCard('tokenRejected');
    try {
      await this.deps.sessions.signIn(user.key, validated);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(turn, error);
      return identityFailureCard(error.kind, error.requestId);
    }
    telemetry.signIns.add(1, { outcome: 'signedIn' });
    const [waiting] = await this.deps.waiting.take(user.key, { id: pendingKey });
    if (waiting) await this.answer(turn, waiting);
    return signedInCard(Boolean(waiting));
  }

  /**
   * Fallback of the in-place card for clients without Universal Actions: open a 1:1 chat with the
   * person and send the OAuthCard there; the question stays waiting in its thread and is answered
   * there once sign-in completes. Works only for people who have the app personally.
   */
  async onDirectSignIn(turn: TeamsTurn, pendingKey: unknown): Promise<void> {
    const user = turn.asker;
    if (typeof pendingKey !== 'string' || !(await this.deps.waiting.has(user.key, pendingKey))) {
      await turn.send('This sign-in button belongs to someone else’s question. Mention me with your own question to get an answer.');
      return;
    }
    const activity = turn.activity;
    try {
      await this.deps.proactive.openPrivateChat(turn, async (privateChat) => {
        await privateChat.send({ type: 'message', attachments: [oauthCard(this.newResource(), this.signInUrl)] });
      });
    } catch (error) {
      this.deps.logger.warn({ activityId: activity.id, event: 'signIn', outcome: 'noPrivateChat', reason: (error as Error).message }, 'could not open a 1:1 chat for sign-in');
      await turn.send(cardMessage(cannotMessagePrivatelyCard()));
      return;
    }
    await turn.send(cardMessage(signInSentPrivatelyCard(user.name)));
  }

  /** /signout: forget the person's session, stored refresh token and waiting questions. */
  async signOut(turn: TeamsTurn): Promise<void> {
    const user = turn.asker;
    await this.deps.sessions.signOut(user.key);
    await this.deps.waiting.clear(user.key);
    await this.deps.turns.startOver(turn.activity.conversation.id, user.key);
    this.deps.logger.info({ activityId: turn.activity.id, event: 'signOut' }, 'signed out');
    await turn.send(cardMessage(signedOutCard()));
  }

  /** After the invoke is answered: Identity Center, STS and the waiting question, proactively. */
  private finishInBackground(turn: TeamsTurn, user: AskingUser, validated: ValidatedToken): void {
    void this.deps.proactive
      .continueIn(turn.address(), (proactive) => this.complete(proactive, user, validated))
      .catch((error: unknown) => this.deps.logger.error({ event: 'signIn', error: errorForLog(error, { stack: true }) }, 'finishing sign-in failed'));
  }

  private async complete(turn: TeamsTurn, user: AskingUser, validated: ValidatedToken): Promise<void> {
    try {
      await this.deps.sessions.signIn(user.key, validated);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(turn, error);
      await turn.send(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return;
    }
    telemetry.signIns.add(1, { outcome: 'signedIn' });
    const waiting = await this.deps.waiting.take(user.key);
    const here = waiting.filter((item) => item.reference.conversation?.id === turn.activity.conversation.id);
    if (here.length === 0) await turn.send(cardMessage(signedInCard(false)));
    for (const item of here) await this.answer(turn, item);
    // Questions asked elsewhere (a channel thread whose sign-in went through 1:1) are answered there.
    for (const item of waiting.filter((candidate) => !here.includes(candidate))) {
      await this.deps.proactive.continueIn(item.reference, (there) => this.answer(there, item));
    }
  }

  private async validateOrExplain(turn: TeamsTurn, token: string, explain = true, holder = holderOf(turn)): Promise<ValidatedToken | undefined> {
    try {
      return await this.deps.validator.validate(token, holder);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(turn, error);
      if (explain) await turn.send(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return undefined;
    }
  }

  private logFailure(turn: TeamsTurn, error: IdentityFailure): void {
    telemetry.signIns.add(1, { outcome: error.kind });
    this.deps.logger.warn({ activityId: turn.activity.id, event: 'signIn', outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId }, 'sign-in failed');
  }

  /**
   * The waiting question, answered now (or its feature run again); should the session be gone
   * again, sign-in starts over.
   */
  private async answer(turn: TeamsTurn, waiting: Pick<WaitingQuestion, 'question' | 'askedBy' | 'resume'>): Promise<void> {
    const resumer = waiting.resume ? this.resumers.get(waiting.resume.name) : undefined;
    if (resumer) return resumer(turn, waiting.resume?.data ?? {});
    const result = await this.deps.answering.answer(turn, waiting.question, waiting.askedBy ? { askedBy: waiting.askedBy } : {});
    if (result.kind === 'signInRequired') await this.start(turn, result.prompt, result.askedBy, result.resume);
  }

  private newResource(): { id: string; uri: string } {
    return { id: randomUUID(), uri: this.deps.sso.resourceUri };
  }
}

function holderOf(turn: TeamsTurn): { tenantId?: string; aadObjectId?: string } {
  const activity = turn.activity;
  const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { ...(tenantId ? { tenantId } : {}), ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}) };
}

/** How every feature asks: the answer loop, and sign-in first when the person has no session. */
export function answerOrSignIn(answering: Pick<Answering, 'answer'>, signIn: SignInFlow | undefined): Ask {
  return async (turn: TeamsTurn, question: string, options: AskOptions = {}) => {
    const result = await answering.answer(turn, question, options);
    if (result.kind === 'signInRequired' && signIn) await signIn.start(turn, result.prompt, result.askedBy, result.resume);
  };
}

async function invokeResponse(turn: TeamsTurn, status: number, body: unknown): Promise<void> {
  await turn.send({ type: 'invokeResponse', value: { status, body } });
}
