/**
 * The answer loop: a question from Teams → Amazon Q Business → one answer card. Continues the
 * user's Q conversation, starts a new one when Q no longer has it, and turns every failure into
 * a card that says what to do.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { placeCitations } from '../cards/citations';
import { emptyAnswerCard, failureCard, questionTooLongCard } from '../cards/messageCards';
import { fitAnswerToTeams } from '../cards/teamsLimits';
import { USER_MESSAGE_MAX_LENGTH } from '../model/answer';
import { QFailure } from '../model/failure';
import { IdentityFailure } from '../identity/identityFailure';
import { identityFailureCard } from '../cards/signInCards';
import type { AskOutcome, ConversationPointer, QBusinessService, QInput } from '../services/qbusinessService';
import type { AskingUser } from '../services/qbusinessClients';
import { askingUser, cardMessage } from './activities';
import { whileTyping } from './typing';
import type { AnswerStore, ConversationStore, RetryStore } from './stores';
import { telemetry } from '../telemetry';

export interface AnswerDependencies {
  q: QBusinessService;
  conversations: ConversationStore;
  answers: AnswerStore;
  retries: RetryStore;
  logger: Logger;
  /** Per-user sign-in: called when the person has no session yet (absent when SSO is off). */
  onSignInRequired?: (context: TurnContext, question: string, askedBy?: string) => Promise<void>;
  /** Plugin turns: review forms and plugin sign-in (src/bot/pluginActions). */
  plugins: { present(context: TurnContext, user: AskingUser, outcome: Extract<AskOutcome, { kind: 'actionReview' | 'authChallenge' }>): Promise<void> };
}

const RESTARTED_NOTICE = 'Your previous conversation had expired, so this answer starts a new one.';
const RETRYABLE = new Set(['throttled', 'unavailable', 'unexpected']);

export interface AskOptions {
  /** What Q gets when it differs from the question itself: the question plus thread context. */
  promptForQ?: string;
  /** Shown on the card in channels and group chats, where several people ask. */
  askedBy?: string;
  /** Instead of a question: a reviewed plugin action or a plugin sign-in, in a given conversation. */
  input?: Exclude<QInput, { question: string }>;
  conversation?: ConversationPointer;
  /** Files sent with the question (already checked against Q's limits). */
  attachments?: Array<{ name: string; data: Uint8Array }>;
}

export async function answerQuestion(context: TurnContext, question: string, deps: AnswerDependencies, options: AskOptions = {}): Promise<void> {
  const answerTimer = telemetry.answers.start();
  const user = askingUser(context);
  const prompt = options.promptForQ && options.promptForQ.length <= USER_MESSAGE_MAX_LENGTH ? options.promptForQ : question;
  const log = deps.logger.child({ activityId: context.activity.id, event: 'answer' });
  if (!options.input && question.length > USER_MESSAGE_MAX_LENGTH) {
    log.info({ outcome: 'tooLong', length: question.length }, 'question refused before calling Q');
    answerTimer.end('tooLong');
    await context.sendActivity(cardMessage(questionTooLongCard(question.length)));
    return;
  }

  const teamsConversationId = context.activity.conversation.id;
  let notice: string | undefined;
  let outcome: AskOutcome;
  try {
    outcome = await whileTyping(context, () =>
      options.input
        ? deps.q.ask({ user, ...options.input, ...(options.conversation ? { conversation: options.conversation } : {}) })
        : askContinuingConversation(deps, teamsConversationId, user, prompt, options.attachments, () => {
            notice = RESTARTED_NOTICE;
          }),
    );
  } catch (error) {
    if (error instanceof IdentityFailure) {
      answerTimer.end(error.kind);
      if (error.kind === 'signInRequired' && deps.onSignInRequired) return deps.onSignInRequired(context, prompt, options.askedBy);
      log.warn({ outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId }, 'no identity-aware session');
      await context.sendActivity(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return;
    }
    if (!(error instanceof QFailure)) throw error;
    log.warn({ outcome: error.kind, error: error.errorName, awsRequestId: error.requestId }, 'Q did not answer');
    answerTimer.end(error.kind);
    const retryKey = RETRYABLE.has(error.kind) ? await deps.retries.remember({ askerKey: user.key, question: prompt }) : undefined;
    await context.sendActivity(cardMessage(failureCard(error, retryKey)));
    return;
  }

  await deps.conversations.set(teamsConversationId, user.key, { conversationId: outcome.conversationId, parentMessageId: outcome.systemMessageId });
  log.info({ outcome: outcome.kind, awsRequestId: outcome.requestId, qConversationId: outcome.conversationId, sources: outcome.kind === 'answer' ? outcome.sources.length : 0 }, 'answered');

  if (outcome.kind !== 'answer') {
    await deps.plugins.present(context, user, outcome);
    answerTimer.end(outcome.kind);
    return;
  }
  if (!outcome.text.trim()) {
    await context.sendActivity(cardMessage(emptyAnswerCard()));
    answerTimer.end('empty');
    return;
  }

  const cited = placeCitations(outcome.text, outcome.sources);
  const answerKey = deps.answers.newKey();
  const { model, card } = fitAnswerToTeams({
    answerKey,
    markdown: cited.markdown,
    sources: cited.sources,
    feedback: { vote: 'none' },
    view: 'vote',
    ...(notice ? { notice } : {}),
    // In channels and group chats everyone gets the view without rating controls; Teams fetches
    // the asker's own view through the card's refresh action.
    ...(options.askedBy ? { askedBy: options.askedBy, askerTeamsId: context.activity.from.id, viewer: 'others' as const } : {}),
    ...(outcome.failedAttachments.length ? { failedAttachments: outcome.failedAttachments } : {}),
  });
  const { view: _view, viewer: _viewer, ...storedCard } = model;
  await deps.answers.save(answerKey, {
    askerKey: user.key,
    ...(user.name ? { askerName: user.name } : {}),
    qConversationId: outcome.conversationId,
    systemMessageId: outcome.systemMessageId,
    card: storedCard,
  });
  await context.sendActivity(cardMessage(card, { aiGenerated: true }));
  answerTimer.end('answered');
}

/** Asks within the user's current Q conversation; if Q has lost it, asks again in a new one. */
async function askContinuingConversation(
  deps: AnswerDependencies,
  teamsConversationId: string,
  user: AskingUser,
  question: string,
  attachments: Array<{ name: string; data: Uint8Array }> | undefined,
  onRestart: () => void,
): Promise<AskOutcome> {
  const conversation = await deps.conversations.get(teamsConversationId, user.key);
  const files = attachments?.length ? { attachments } : {};
  try {
    return await deps.q.ask({ user, question, ...files, ...(conversation ? { conversation } : {}) });
  } catch (error) {
    if (!(error instanceof QFailure) || error.kind !== 'conversationGone') throw error;
    await deps.conversations.clear(teamsConversationId, user.key);
    onRestart();
    return deps.q.ask({ user, question, ...files });
  }
}
