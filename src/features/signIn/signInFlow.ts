/**
 * Signing people in so Q answers as them: Teams SSO (OAuthCard → signin/tokenExchange) in 1:1
 * chats, Universal Actions (loginRequest → token in the next invoke) in channels and group chats,
 * the bot-hosted fallback pages (signin/verifyState), and the development sign-in of the playground.
 * Every token is validated first; the Identity Center, STS and Q work happens after Teams has its
 * answer, and the question that triggered sign-in is then answered without being retyped.
 */
import { randomUUID } from 'node:crypto';
import { TurnContext, type ConversationReference } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import { cannotMessagePrivatelyCard, identityFailureCard, inPlaceSignInCard, loginRequest, oauthCard, signedInCard, signedOutCard, signInSentPrivatelyCard } from '../../cards/signInCards';
import type { AdaptiveCardJson } from '../../cards/types';
import { errorForLog } from '../../errors';
import type { SsoConfig } from '../../config';
import type { EntraTokenValidator, ValidatedToken } from '../../identity/entraToken';
import { IdentityFailure } from '../../identity/identityFailure';
import type { LocalDevTokens } from '../../identity/localDevTokens';
import type { UserSessions } from '../../identity/userSessions';
import type { AskingUser } from '../../qbusiness/qbusinessClients';
import { askingUser, cardMessage } from '../../teams/activities';
import type { ConversationTurns } from '../answering/conversationTurns';
import type { OnceClaims, WaitingQuestionStore } from '../feedback/answerStore';
import { telemetry } from '../../telemetry';

export interface SignInDependencies {
  sso: SsoConfig;
  sessions: UserSessions;
  validator: EntraTokenValidator;
  waiting: WaitingQuestionStore;
  turns: ConversationTurns;
  /** Token exchanges Teams delivers more than once (to one or several instances) are done once. */
  claims: OnceClaims;
  adapter: TeamsAdapter;
  botAppId?: string;
  logger: Logger;
  devTokens?: LocalDevTokens;
  /** Answers a question in the given turn (src/bot/answerQuestion). */
  answer(context: TurnContext, question: string, askedBy?: string): Promise<void>;
}

/** The Bot Framework channel service audience, for connector calls the bot starts itself. */
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

export class SignInFlow {
  constructor(private readonly deps: SignInDependencies) {}

  private get signInUrl(): string | undefined {
    return this.deps.sso.botEndpoint ? `${this.deps.sso.botEndpoint}/auth-start.html` : undefined;
  }

  /** A question arrived from someone without a session: keep it, and start the right sign-in. */
  async start(context: TurnContext, question: string, askedBy?: string): Promise<void> {
    const user = askingUser(context);
    const reference = TurnContext.getConversationReference(context.activity);
    const waiting = await this.deps.waiting.add(user.key, question, reference, askedBy);
    const log = this.deps.logger.child({ activityId: context.activity.id, event: 'signIn' });

    if (this.deps.devTokens) {
      // Development only: the playground's user, or (F5 in Teams against the local services)
      // the configured sample person for everyone.
      const signInAs = this.deps.sso.devLocalSignInUser ?? context.activity.from.aadObjectId ?? '';
      log.info({ outcome: 'devLocalSignIn' }, 'signing in through the local development issuer');
      const token = await this.deps.devTokens.tokenFor(signInAs);
      const holder = this.deps.sso.devLocalSignInUser ? { aadObjectId: signInAs } : holderOf(context);
      const validated = await this.validateOrExplain(context, token, true, holder);
      if (validated) await this.complete(context, user, validated);
      return;
    }
    if (context.activity.conversation.conversationType === 'personal') {
      log.info({ outcome: 'oauthCard' }, 'sign-in started with Teams SSO');
      await context.sendActivity({ attachments: [oauthCard(this.newResource(), this.signInUrl)] });
    } else {
      log.info({ outcome: 'inPlaceCard' }, 'sign-in started in place (Universal Actions)');
      await context.sendActivity(cardMessage(inPlaceSignInCard(waiting.id, user.name)));
    }
  }

  /** invoke signin/tokenExchange: deduplicate, validate, answer Teams, then finish sign-in. */
  async onTokenExchange(context: TurnContext): Promise<void> {
    const value = (context.activity.value ?? {}) as { id?: unknown; connectionName?: unknown; token?: unknown };
    const id = typeof value.id === 'string' ? value.id : '';
    const reply = { id, connectionName: typeof value.connectionName === 'string' ? value.connectionName : '' };
    const user = askingUser(context);
    const log = this.deps.logger.child({ activityId: context.activity.id, event: 'tokenExchange' });
    if (!id || typeof value.token !== 'string') {
      await invokeResponse(context, 400, { ...reply, failureDetail: 'The token exchange carries no id or token.' });
      return;
    }
    let validated: ValidatedToken;
    try {
      validated = await this.deps.validator.validate(value.token, holderOf(context));
    } catch (error) {
      const detail = error instanceof IdentityFailure ? error.adminDetail : 'validation failed';
      log.warn({ outcome: 'rejected', reason: detail }, 'SSO token refused; Teams falls back to the sign-in button');
      telemetry.signIns.add(1, { outcome: 'tokenRejected' });
      await invokeResponse(context, 412, { ...reply, failureDetail: 'The token could not be accepted.' });
      return;
    }
    // Claimed only once the token checks out, so a refused one doesn't swallow Teams' redelivery.
    // Identity Center refuses an assertion it has seen: one exchange per id and per token, across instances.
    if (!(await this.deps.claims.claim('exchange', user.key, id)) || !(await this.deps.claims.claim('assertion', value.token))) {
      log.info({ outcome: 'duplicate' }, 'duplicate token exchange ignored');
      await invokeResponse(context, 200, reply);
      return;
    }
    await invokeResponse(context, 200, reply);
    this.finishInBackground(context, user, validated);
  }

  /** invoke signin/verifyState: the fallback sign-in pages hand over the token they obtained. */
  async onVerifyState(context: TurnContext): Promise<void> {
    const state = (context.activity.value as { state?: unknown } | undefined)?.state;
    const user = askingUser(context);
    try {
      if (typeof state !== 'string') throw new IdentityFailure('tokenRejected', 'verifyState carries no token');
      const validated = await this.deps.validator.validate(state, holderOf(context));
      await invokeResponse(context, 200, {});
      this.finishInBackground(context, user, validated);
    } catch (error) {
      const detail = error instanceof IdentityFailure ? error.adminDetail : (error as Error).message;
      this.deps.logger.warn({ activityId: context.activity.id, event: 'verifyState', outcome: 'rejected', reason: detail }, 'fallback sign-in refused');
      telemetry.signIns.add(1, { outcome: 'tokenRejected' });
      await invokeResponse(context, 412, { failureDetail: 'The sign-in could not be accepted.' });
    }
  }

  /**
   * Action.Execute on the in-place sign-in card. Without a token, ask Teams for one (401 +
   * loginRequest); with the token Teams then sends, sign in, answer in the thread, and replace
   * the sign-in card.
   */
  async onInPlaceSignIn(context: TurnContext, pendingKey: unknown): Promise<AdaptiveCardJson | string> {
    const user = askingUser(context);
    if (typeof pendingKey !== 'string' || !(await this.deps.waiting.has(user.key, pendingKey))) {
      return 'This sign-in button belongs to someone else’s question. Mention me with your own question to get an answer.';
    }
    // Silent SSO puts the token in `authentication`; after the fallback sign-in pages, Teams resends
    // the invoke with what they returned (the token, from auth-end.html) in `state`.
    const value = context.activity.value as { authentication?: { token?: unknown }; state?: unknown };
    const token = value.authentication?.token ?? value.state;
    if (typeof token !== 'string') {
      await invokeResponse(context, 200, { statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest', value: loginRequest(this.newResource(), this.signInUrl) });
      return '';
    }
    const validated = await this.validateOrExplain(context, token, false);
    if (!validated) return identityFailureCard('tokenRejected');
    try {
      await this.deps.sessions.signIn(user.key, validated);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(context, error);
      return identityFailureCard(error.kind, error.requestId);
    }
    telemetry.signIns.add(1, { outcome: 'signedIn' });
    const [waiting] = await this.deps.waiting.take(user.key, { id: pendingKey });
    if (waiting) await this.deps.answer(context, waiting.question, waiting.askedBy);
    return signedInCard(Boolean(waiting));
  }

  /**
   * Fallback of the in-place card for clients without Universal Actions: open a 1:1 chat with the
   * person and send the OAuthCard there; the question stays waiting in its thread and is answered
   * there once sign-in completes. Works only for people who have the app personally.
   */
  async onDirectSignIn(context: TurnContext, pendingKey: unknown): Promise<void> {
    const user = askingUser(context);
    if (typeof pendingKey !== 'string' || !(await this.deps.waiting.has(user.key, pendingKey))) {
      await context.sendActivity('This sign-in button belongs to someone else’s question. Mention me with your own question to get an answer.');
      return;
    }
    const activity = context.activity;
    const tenantId = holderOf(context).tenantId;
    try {
      await this.deps.adapter.createConversationAsync(
        this.deps.botAppId ?? '',
        activity.channelId,
        activity.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        { isGroup: false, bot: activity.recipient, members: [activity.from], ...(tenantId ? { tenantId, channelData: { tenant: { id: tenantId } } } : {}) } as never,
        async (privateChat) => {
          await privateChat.sendActivity({ attachments: [oauthCard(this.newResource(), this.signInUrl)] });
        },
      );
    } catch (error) {
      this.deps.logger.warn({ activityId: activity.id, event: 'signIn', outcome: 'noPrivateChat', reason: (error as Error).message }, 'could not open a 1:1 chat for sign-in');
      await context.sendActivity(cardMessage(cannotMessagePrivatelyCard()));
      return;
    }
    await context.sendActivity(cardMessage(signInSentPrivatelyCard(user.name)));
  }

  /** /signout: forget the person's session, stored refresh token and waiting questions. */
  async signOut(context: TurnContext): Promise<void> {
    const user = askingUser(context);
    await this.deps.sessions.signOut(user.key);
    await this.deps.waiting.clear(user.key);
    await this.deps.turns.startOver(context.activity.conversation.id, user.key);
    this.deps.logger.info({ activityId: context.activity.id, event: 'signOut' }, 'signed out');
    await context.sendActivity(cardMessage(signedOutCard()));
  }

  /** After the invoke is answered: Identity Center, STS and the waiting question, proactively. */
  private finishInBackground(context: TurnContext, user: AskingUser, validated: ValidatedToken): void {
    const reference = TurnContext.getConversationReference(context.activity) as ConversationReference;
    void this.deps.adapter
      .continueConversationAsync(this.deps.botAppId ?? '', reference, (proactive) => this.complete(proactive, user, validated))
      .catch((error: unknown) => this.deps.logger.error({ event: 'signIn', error: errorForLog(error, { stack: true }) }, 'finishing sign-in failed'));
  }

  private async complete(context: TurnContext, user: AskingUser, validated: ValidatedToken): Promise<void> {
    try {
      await this.deps.sessions.signIn(user.key, validated);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(context, error);
      await context.sendActivity(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return;
    }
    telemetry.signIns.add(1, { outcome: 'signedIn' });
    const waiting = await this.deps.waiting.take(user.key);
    const here = waiting.filter((item) => item.reference.conversation?.id === context.activity.conversation.id);
    if (here.length === 0) await context.sendActivity(cardMessage(signedInCard(false)));
    for (const item of here) await this.deps.answer(context, item.question, item.askedBy);
    // Questions asked elsewhere (a channel thread whose sign-in went through 1:1) are answered there.
    for (const item of waiting.filter((candidate) => !here.includes(candidate))) {
      await this.deps.adapter.continueConversationAsync(this.deps.botAppId ?? '', item.reference as ConversationReference, (there) =>
        this.deps.answer(there, item.question, item.askedBy),
      );
    }
  }

  private async validateOrExplain(context: TurnContext, token: string, explain = true, holder = holderOf(context)): Promise<ValidatedToken | undefined> {
    try {
      return await this.deps.validator.validate(token, holder);
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      this.logFailure(context, error);
      if (explain) await context.sendActivity(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return undefined;
    }
  }

  private logFailure(context: TurnContext, error: IdentityFailure): void {
    telemetry.signIns.add(1, { outcome: error.kind });
    this.deps.logger.warn({ activityId: context.activity.id, event: 'signIn', outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId }, 'sign-in failed');
  }

  private newResource(): { id: string; uri: string } {
    return { id: randomUUID(), uri: this.deps.sso.resourceUri };
  }
}

function holderOf(context: TurnContext): { tenantId?: string; aadObjectId?: string } {
  const activity = context.activity;
  const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return { ...(tenantId ? { tenantId } : {}), ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}) };
}

async function invokeResponse(context: TurnContext, status: number, body: unknown): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status, body } });
}
