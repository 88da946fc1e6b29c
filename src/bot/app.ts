/**
 * The Teams AI application: which activity goes to which handler. Handlers live in their own
 * modules; this file only routes.
 */
import { ActivityTypes, type ConversationReference, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import { VERBS } from '../cards/answerCard';
import { channelFilesCard, fileProblemsCard, helpCard, newConversationCard, welcomeCard } from '../cards/messageCards';
import { PLUGIN_VERBS } from '../cards/pluginCards';
import type { AdaptiveCardJson } from '../cards/types';
import { DIRECT_SIGN_IN_VERB, SIGN_IN_VERB, signInNotUsedCard } from '../cards/signInCards';
import type { SsoConfig } from '../config';
import { errorForLog } from '../errors';
import type { EntraTokenValidator } from '../identity/entraToken';
import type { LocalDevTokens } from '../identity/localDevTokens';
import type { UserSessions } from '../identity/userSessions';
import type { QBusinessService } from '../services/qbusinessService';
import { answeringPorts } from '../features/messageExtension/answeringPorts';
import { MessageExtension, type ExtensionUser } from '../features/messageExtension/messageExtension';
import { askingUser, cardMessage } from './activities';
import { answerQuestion, type AnswerDependencies } from './answerQuestion';
import { askerViewOf, FEEDBACK_VERBS, FeedbackHandler, viewForEveryone, type FeedbackActionData } from './feedback';
import { collectFiles, hasFiles } from './fileAttachments';
import { PluginActions } from './pluginActions';
import { SignInFlow } from './signIn';
import { streamingPresenters } from './streamingReply';
import { isBotMentioned, ThreadContextStore, withThreadContext } from './threadContext';
import type { StateStorage } from '../state/stateStorage';
import { ConversationTurns } from './conversationTurns';
import { AnswerStore, OnceClaims, PluginActionStore, RetryStore, WaitingQuestionStore } from './stores';
import { VoteOutbox } from './voteOutbox';
import { Votes } from './votes';

export interface BotOptions {
  adapter: TeamsAdapter;
  /** Shared state (./stores): memory for one process, Azure Blob Storage for several instances. */
  storage: StateStorage;
  q: QBusinessService;
  logger: Logger;
  /** Set when the bot has its own identity: replies then go out proactively (Teams' 15 s window). */
  botAppId?: string;
  now?: () => Date;
  /** How long channel and group chat messages are kept for thread context. */
  threadContextDays?: number;
  /** Development only: file downloads from loopback hosts (tests, playground). */
  allowLoopbackFileHosts?: boolean;
  /** Stream answers in 1:1 chats (Q's Chat → Teams streaming); off or absent: one card per answer. */
  streaming?: boolean;
  /** Per-user sign-in (SSO → Identity Center → STS); absent: Q is called with the bot's own identity. */
  identity?: { sso: SsoConfig; sessions: UserSessions; validator: EntraTokenValidator; devTokens?: LocalDevTokens };
}

const NEW_CONVERSATION_COMMANDS = ['/new', 'new', 'new conversation', '/reset'];
const HELP_COMMANDS = ['help', '/help', '?'];
const SIGN_OUT_COMMANDS = ['/signout', 'signout', 'sign out', '/logout'];

export interface BotApplication {
  app: Application<TurnState>;
  /** Stops background work (the vote outbox), letting a pass in progress finish. */
  stop(): Promise<void>;
}

export function createBotApplication(options: BotOptions): BotApplication {
  const { adapter, storage, logger } = options;
  const now = options.now ?? (() => new Date());
  const app = new Application<TurnState>({
    adapter,
    // No `storage`: the library would read and write conversation and user state on every
    // activity, and the bot keeps none there; everything it keeps is in ./stores.
    removeRecipientMention: true,
    // Our own per-turn indicator (./typing): the library's timer is shared by all turns.
    startTypingTimer: false,
    longRunningMessages: Boolean(options.botAppId),
    ...(options.botAppId ? { botAppId: options.botAppId } : {}),
  });

  const turns = new ConversationTurns(storage, now);
  const answers = new AnswerStore(storage, now);
  const retries = new RetryStore(storage, now);
  let signIn: SignInFlow | undefined;
  const plugins = new PluginActions({
    store: new PluginActionStore(storage, now),
    logger,
    continueWith: (context, input, conversation) => answerQuestion(context, '', answerDeps, { input, conversation }),
  });
  const answerDeps: AnswerDependencies = {
    q: options.q,
    turns,
    answers,
    retries,
    logger,
    plugins,
    ...(options.streaming ? { presenterFor: streamingPresenters(options.q, logger) } : {}),
    ...(options.identity ? { onSignInRequired: (context: TurnContext, question: string, askedBy?: string) => (signIn as SignInFlow).start(context, question, askedBy) } : {}),
  };
  if (options.identity) {
    signIn = new SignInFlow({
      ...options.identity,
      waiting: new WaitingQuestionStore(storage, now),
      turns,
      claims: new OnceClaims(storage, now),
      adapter,
      logger,
      ...(options.botAppId ? { botAppId: options.botAppId } : {}),
      answer: (context, question, askedBy) => answerQuestion(context, question, answerDeps, askedBy ? { askedBy } : {}),
    });
  }
  const threads = new ThreadContextStore(storage, (options.threadContextDays ?? 7) * 24 * 60 * 60 * 1000, now);
  const outbox = new VoteOutbox({
    storage,
    now,
    logger,
    // A vote that was pending has landed or finally failed: show it on the card where it is.
    onSettled: async (_answerKey, result) => {
      const message = result.message;
      if (!message) return;
      const card = result.record.card.askerTeamsId ? viewForEveryone(result.record) : askerViewOf(result);
      if (typeof card === 'string') return;
      await adapter.continueConversationAsync(options.botAppId ?? '', message.reference as ConversationReference, async (proactive) => {
        await proactive.updateActivity({ ...cardMessage(card, { aiGenerated: true }), id: message.activityId });
      });
    },
  });
  const votes = new Votes({ q: options.q, answers, logger, now, schedule: (answerKey, dueAt) => outbox.schedule(answerKey, dueAt) });
  outbox.start(votes);
  const feedback = new FeedbackHandler({ answers, votes });

  // Channels and group chats: the bot answers only when mentioned. Other messages reach it only
  // under resource-specific consent; they are kept as thread context, never answered.
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    // Under RSC the bot may be handed its own messages: never answer (or keep) those.
    if (activity.from?.id && activity.from.id === activity.recipient?.id) return false;
    if (activity.type !== ActivityTypes.Message || activity.conversation.conversationType === 'personal' || activity.value) return true;
    if (isBotMentioned(activity)) return true;
    await threads.record(activity);
    return false;
  });
  app.messageEventUpdate('editMessage', (context) => threads.edit(context.activity));
  app.messageEventUpdate('softDeleteMessage', (context) => threads.remove(context.activity));
  app.conversationUpdate('membersRemoved', async (context) => {
    if ((context.activity.membersRemoved ?? []).some((member) => member.id === context.activity.recipient.id)) await threads.forgetScope(context.activity);
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botWasAdded = (context.activity.membersAdded ?? []).some((member) => member.id === context.activity.recipient.id);
    if (botWasAdded) await context.sendActivity(cardMessage(welcomeCard()));
  });

  const startNewConversation = async (context: TurnContext): Promise<void> => {
    await turns.startOver(context.activity.conversation.id, askingUser(context).key);
    await context.sendActivity(cardMessage(newConversationCard()));
  };
  app.message(commandSelector(NEW_CONVERSATION_COMMANDS), startNewConversation);
  app.message(commandSelector(HELP_COMMANDS), async (context) => {
    await context.sendActivity(cardMessage(helpCard()));
  });
  app.message(commandSelector(SIGN_OUT_COMMANDS), async (context) => {
    if (signIn) await signIn.signOut(context);
    else await context.sendActivity(cardMessage(signInNotUsedCard()));
  });

  if (signIn) {
    const flow = signIn;
    app.addRoute(invokeSelector('signin/tokenExchange'), (context) => flow.onTokenExchange(context), true);
    app.addRoute(invokeSelector('signin/verifyState'), (context) => flow.onVerifyState(context), true);
    app.adaptiveCards.actionExecute<{ pendingKey?: unknown }>(SIGN_IN_VERB, (context, _state, data) => flow.onInPlaceSignIn(context, data.pendingKey));
    app.adaptiveCards.actionSubmit<{ pendingKey?: unknown }>(DIRECT_SIGN_IN_VERB, (context, _state, data) => flow.onDirectSignIn(context, data.pendingKey));
  }

  // Message extension (search command "Ask Q", action "Ask Q about this message").
  const extension = new MessageExtension(
    answeringPorts({
      q: options.q,
      answers,
      log: (event) => logger.info({ feature: 'messageExtension', ...event }, 'message extension'),
      ...(options.identity
        ? {
            identity: {
              sessions: options.identity.sessions,
              validator: options.identity.validator,
              claims: new OnceClaims(storage, now),
              ...(options.identity.sso.botEndpoint ? { signInUrl: `${options.identity.sso.botEndpoint}/auth-start.html` } : {}),
              ...(options.identity.devTokens ? { devTokens: options.identity.devTokens } : {}),
              ...(options.identity.sso.devLocalSignInUser ? { devLocalSignInUser: options.identity.sso.devLocalSignInUser } : {}),
            },
          }
        : {}),
    }),
  );
  const extensionInvokes: Array<[string, (value: unknown, user: ExtensionUser) => Promise<{ status: number; body?: unknown }>]> = [
    ['composeExtension/query', (value, user) => extension.onQuery(value, user)],
    ['composeExtension/fetchTask', (value, user) => extension.onFetchTask(value, user)],
    ['composeExtension/submitAction', (value, user) => extension.onSubmitAction(value, user)],
  ];
  for (const [name, handle] of extensionInvokes) {
    app.addRoute(invokeSelector(name), async (context) => {
      await context.sendActivity({ type: 'invokeResponse', value: await handle(context.activity.value, extensionUserOf(context)) });
    }, true);
  }

  // Action.Submit buttons arrive as message activities carrying `value.verb`.
  app.adaptiveCards.actionSubmit(VERBS.newConversation, startNewConversation);
  app.adaptiveCards.actionSubmit<{ retryKey?: unknown }>(VERBS.retryQuestion, async (context, _state, data) => {
    const pending = typeof data.retryKey === 'string' ? await retries.take(data.retryKey, askingUser(context).key) : undefined;
    if (!pending) {
      await context.sendActivity('That question can no longer be retried. Please ask it again.');
      return;
    }
    await answerQuestion(context, pending.question, answerDeps);
  });

  app.adaptiveCards.actionExecute<Record<string, unknown>>(PLUGIN_VERBS.execute, (context, _state, data) => plugins.onExecute(context, data));
  app.adaptiveCards.actionExecute<Record<string, unknown>>(PLUGIN_VERBS.cancel, (context, _state, data) => plugins.onCancel(context, data));
  app.adaptiveCards.actionExecute<Record<string, unknown>>(PLUGIN_VERBS.resume, (context, _state, data) => plugins.onResume(context, data));

  // 👍/👎: Action.Execute updates the card in place; the Action.Submit fallback edits the message.
  app.adaptiveCards.actionExecute<FeedbackActionData>(FEEDBACK_VERBS, async (context, _state, data) => {
    const { reply: result, everyone } = await feedback.handle(context, context.activity.value?.action?.verb ?? '', data);
    if (everyone) await replaceCardMessage(context, everyone, logger);
    // Answered here, not by the library: for cards with `refresh` it would replace the message for
    // everyone with the clicker's view.
    await context.sendActivity({
      type: 'invokeResponse',
      value: {
        status: 200,
        body:
          typeof result === 'string'
            ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result }
            : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result },
      },
    });
    return result;
  });
  app.adaptiveCards.actionSubmit<FeedbackActionData & { verb?: string }>(FEEDBACK_VERBS, async (context, _state, data) => {
    const { reply, everyone } = await feedback.handle(context, data.verb ?? '', data);
    if (typeof reply === 'string') await context.sendActivity(reply);
    if (everyone) await replaceCardMessage(context, everyone, logger);
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const activity = context.activity;
    let question = (activity.text ?? '').trim();
    let attachments: Array<{ name: string; data: Uint8Array }> | undefined;
    if (hasFiles(activity)) {
      const collected = await collectFiles(activity, { allowLoopback: Boolean(options.allowLoopbackFileHosts) });
      if (collected.problems.length > 0) {
        await context.sendActivity(cardMessage(fileProblemsCard(collected.problems)));
        return;
      }
      if (collected.unreachable.length > 0) {
        await context.sendActivity(cardMessage(channelFilesCard(collected.unreachable)));
        if (collected.files.length === 0) return;
      }
      attachments = collected.files;
      if (!question && attachments.length > 0) question = `Summarize the attached file${attachments.length > 1 ? 's' : ''}.`;
    }
    if (!question) {
      await context.sendActivity(cardMessage(helpCard()));
      return;
    }
    if (activity.conversation.conversationType === 'personal') {
      await answerQuestion(context, question, answerDeps, attachments ? { attachments } : {});
      return;
    }
    // In a thread or group chat: the mention's question, with recent context when it needs it.
    const recent = await threads.recent(activity.conversation.id, activity.id);
    await threads.record(activity);
    await answerQuestion(context, question, answerDeps, { promptForQ: withThreadContext(question, recent), askedBy: activity.from.name ?? 'you', ...(attachments ? { attachments } : {}) });
  });

  app.error(async (context, error) => {
    logger.error({ activityId: context.activity.id, error: errorForLog(error, { stack: true }) }, 'turn failed');
    // When the connector itself failed (dead or slow serviceUrl), an apology would only fail again.
    const connectorFailed = error.name === 'RestError' || error.name === 'AbortError';
    if (context.activity.type === ActivityTypes.Message && !connectorFailed) {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again.');
    }
  });

  return { app, stop: () => outbox.stop() };
}

function invokeSelector(name: string) {
  return async (context: TurnContext): Promise<boolean> => context.activity.type === ActivityTypes.Invoke && context.activity.name === name;
}

function commandSelector(commands: string[]) {
  return async (context: TurnContext): Promise<boolean> =>
    context.activity.type === ActivityTypes.Message && commands.includes((context.activity.text ?? '').trim().toLowerCase());
}

/** Keeps the vote visible on every device and after reload: the stored message itself changes. */
async function replaceCardMessage(context: TurnContext, card: AdaptiveCardJson, logger: Logger): Promise<void> {
  if (!context.activity.replyToId) return;
  try {
    await context.updateActivity({ ...cardMessage(card, { aiGenerated: true }), id: context.activity.replyToId });
  } catch (error) {
    // A card a person inserted from the message extension is their own message, which the bot
    // may not edit; the clicker still gets their view from the invoke response.
    logger.warn({ activityId: context.activity.id, event: 'cardUpdate', outcome: 'refused', error: errorForLog(error) }, 'the rated card could not be updated for everyone');
  }
}

function extensionUserOf(context: TurnContext): ExtensionUser {
  const { from, conversation, channelData } = context.activity;
  const tenantId = conversation?.tenantId ?? (channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return {
    key: from.aadObjectId ?? from.id,
    teamsId: from.id,
    ...(from.name ? { name: from.name } : {}),
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}
