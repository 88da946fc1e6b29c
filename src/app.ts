/**
 * The bot's application: the Teams application (src/teams), each feature built in dependency
 * order, and each feature's routes registered in the order they must be tried. Nothing here
 * handles a turn; every handler lives in its feature's folder.
 */
import type { Logger } from 'pino';
import type { SsoConfig } from './identity/signInSettings';
import type { EntraTokenValidator } from './identity/entraToken';
import type { LocalDevTokens } from './identity/localDevTokens';
import type { UserSessions } from './identity/userSessions';
import type { MeetingTranscripts } from './graph/meetingTranscripts';
import type { QBusinessService } from './qbusiness/qbusinessService';
import type { StateStorage } from './state/stateStorage';
import { Answering } from './features/answering/answerQuestion';
import { ConversationTurns } from './features/answering/conversationTurns';
import { RetryStore } from './features/answering/retryStore';
import { registerAnswering } from './features/answering/routes';
import { registerCommands } from './features/commands/routes';
import { answeringPorts } from './features/messageExtension/answeringPorts';
import { MessageExtension } from './features/messageExtension/messageExtension';
import { registerMessageExtension } from './features/messageExtension/routes';
import { MeetingRecap, RECAP_RESUME } from './features/meetingRecap/meetingRecap';
import { registerMeetingRecap } from './features/meetingRecap/routes';
import { AnswerStore } from './features/feedback/answerStore';
import { createFeedback, registerFeedback } from './features/feedback/routes';
import { PluginActions, PluginPrompts } from './features/pluginActions/pluginActions';
import { PluginActionStore } from './features/pluginActions/pluginActionStore';
import { registerPluginActions } from './features/pluginActions/routes';
import { streamingPresenters } from './features/replies/streamingReply';
import { OnceClaims } from './features/signIn/onceClaims';
import { registerSignIn } from './features/signIn/routes';
import { answerOrSignIn, SignInFlow } from './features/signIn/signInFlow';
import { WaitingQuestionStore } from './features/signIn/waitingQuestions';
import { registerSharedSpaces } from './features/sharedSpaces/routes';
import { Sharing } from './features/sharedSpaces/sharing';
import { spacePolicies, type SpaceSettings } from './domain/spacePolicy';
import { AskExpert } from './features/experts/askExpert';
import { ExpertRequestStore } from './features/experts/expertRequests';
import { registerExperts } from './features/experts/routes';
import { registerThreadContext } from './features/threadContext/routes';
import { ThreadContextStore } from './features/threadContext/threadContext';
import { createTeamsApplication, type TeamsAdapter, type TeamsApplication } from './teams/application';
import { channelPoster, proactiveTurns } from './teams/proactive';
import { devMeetingLookup } from './teams/devMeetingApi';
import { teamRoster } from './teams/roster';

export interface BotOptions {
  adapter: TeamsAdapter;
  /** Shared state: memory for one process, Azure Blob Storage for several instances. */
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
  /** Answers in channels and group chats: private until shared, or public; knowledge scopes per space. */
  spaces?: SpaceSettings;
  /** Per-user sign-in (SSO → Identity Center → STS); absent: Q is called with the bot's own identity. */
  identity?: { sso: SsoConfig; sessions: UserSessions; validator: EntraTokenValidator; devTokens?: LocalDevTokens };
  /** Meeting transcripts through Microsoft Graph; absent: "recap" explains that recaps are not set up. */
  meetingTranscripts?: MeetingTranscripts;
  /** Development only: Teams' meeting API from the local services (the playground has none). */
  devTeamsMeetingApiUrl?: string;
}

export interface BotApplication {
  app: TeamsApplication['app'];
  /** Stops background work (the vote outbox), letting a pass in progress finish. */
  stop(): Promise<void>;
}

export function createBotApplication(options: BotOptions): BotApplication {
  const { storage, logger, q } = options;
  const now = options.now ?? (() => new Date());
  const { app, routes } = createTeamsApplication({ adapter: options.adapter, logger, ...(options.botAppId ? { botAppId: options.botAppId } : {}) });
  const proactive = proactiveTurns(options.adapter, options.botAppId);

  // Built in dependency order: what the answer loop needs, the loop, then what continues it.
  const turns = new ConversationTurns(storage, now);
  const answers = new AnswerStore(storage, now);
  const retries = new RetryStore(storage, now);
  const pluginStore = new PluginActionStore(storage, now);
  const spaces = spacePolicies(options.spaces ?? { sharedSpaceAnswers: 'private', knowledgeScopes: [] });
  const answering = new Answering({
    spaces,
    q,
    turns,
    answers,
    retries,
    logger,
    plugins: new PluginPrompts(pluginStore),
    ...(options.streaming ? { presenterFor: streamingPresenters(logger) } : {}),
  });
  const signIn = options.identity
    ? new SignInFlow({
        ...options.identity,
        waiting: new WaitingQuestionStore(storage, now),
        turns,
        claims: new OnceClaims(storage, now),
        proactive,
        logger,
        answering,
      })
    : undefined;
  const ask = answerOrSignIn(answering, signIn);
  const plugins = new PluginActions({ store: pluginStore, logger, continueWith: (turn, input, conversation) => ask(turn, '', { input, conversation }) });
  const feedback = createFeedback({ storage, answers, q, proactive, logger, now });
  const recap = new MeetingRecap({
    ask,
    turns,
    storage,
    logger,
    now,
    ...(options.meetingTranscripts ? { transcripts: options.meetingTranscripts } : {}),
    ...(options.devTeamsMeetingApiUrl ? { findMeeting: devMeetingLookup(options.devTeamsMeetingApiUrl) } : {}),
  });
  // A recap that waited for sign-in runs again afterwards: its question is the meeting's transcript, not its words.
  signIn?.onResume(RECAP_RESUME, (turn, data) => recap.resumeAfterSignIn(turn, data));
  const threads = new ThreadContextStore(storage, (options.threadContextDays ?? 7) * 24 * 60 * 60 * 1000, now);
  const identity = options.identity;
  const extension = new MessageExtension(
    answeringPorts({
      q,
      answers,
      log: (event) => logger.info({ feature: 'messageExtension', ...event }, 'message extension'),
      ...(identity
        ? {
            identity: {
              sessions: identity.sessions,
              validator: identity.validator,
              claims: new OnceClaims(storage, now),
              ...(identity.sso.botEndpoint ? { signInUrl: `${identity.sso.botEndpoint}/auth-start.html` } : {}),
              ...(identity.devTokens ? { devTokens: identity.devTokens } : {}),
              ...(identity.sso.devLocalSignInUser ? { devLocalSignInUser: identity.sso.devLocalSignInUser } : {}),
            },
          }
        : {}),
    }),
  );

  // Routes are tried in this order: thread context first (it decides what is answered at all),
  // the answer loop's catch-all message route last.
  registerThreadContext(routes, threads);
  registerCommands(routes, turns, spaces);
  registerMeetingRecap(routes, recap);
  registerSignIn(routes, signIn);
  registerPluginActions(routes, plugins);
  registerFeedback(routes, feedback.handler, logger);
  registerMessageExtension(routes, extension);
  registerSharedSpaces(routes, new Sharing({ answers, ask, logger }));
  registerExperts(
    routes,
    new AskExpert({ requests: new ExpertRequestStore(storage, now), answers, spaces, roster: teamRoster(), channels: channelPoster(options.adapter, options.botAppId), proactive, logger, now }),
  );
  registerAnswering(routes, { ask, retries, threads, spaces, allowLoopbackFileHosts: Boolean(options.allowLoopbackFileHosts) });

  feedback.outbox.start();
  return { app, stop: () => feedback.outbox.stop() };
}
