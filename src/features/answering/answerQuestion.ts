/**
 * The answer loop: a question from Teams → Amazon Q Business → one answer card. Asking Q
 * (./askQ: continues the person's Q conversation, starts a new one when Q no longer has it) is
 * separate from presenting the result (./presenters: a card reply, or a stream in 1:1 chats);
 * between the two, every outcome becomes the activity to send, and every failure a card that
 * says what to do.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { placeCitations } from '../../cards/citations';
import { emptyAnswerCard, failureCard, noAnswerCard, questionTooLongCard } from '../../cards/messageCards';
import { fitAnswerToTeams } from '../../cards/teamsLimits';
import { USER_MESSAGE_MAX_LENGTH } from '../../domain/answer';
import { isNoAnswer } from '../../domain/noAnswer';
import { IdentityFailure } from '../../identity/identityFailure';
import { identityFailureCard } from '../../cards/signInCards';
import type { AskOutcome, ConversationPointer, QBusinessService, QInput } from '../../qbusiness/qbusinessService';
import type { AskingUser } from '../../qbusiness/qbusinessClients';
import { askingUser, cardMessage } from '../../teams/activities';
import { askQ } from './askQ';
import { cardReply, type AnswerPresenter } from '../replies/cardReply';
import { telemetry } from '../../telemetry';
import type { ConversationTurns } from './conversationTurns';
import type { AnswerStore, RetryStore } from '../feedback/answerStore';

export interface AnswerDependencies {
  q: QBusinessService;
  /** The person's Q conversation per Teams chat, one question at a time (./conversationTurns). */
  turns: ConversationTurns;
  answers: AnswerStore;
  retries: RetryStore;
  logger: Logger;
  /** Per-user sign-in: called when the person has no session yet (absent when SSO is off). */
  onSignInRequired?: (context: TurnContext, question: string, askedBy?: string) => Promise<void>;
  /** Plugin turns: review forms and plugin sign-in (src/bot/pluginActions). */
  plugins: {
    present(context: TurnContext, user: AskingUser, outcome: Extract<AskOutcome, { kind: 'actionReview' | 'authChallenge' }>, send: (activity: Partial<Activity>) => Promise<void>): Promise<void>;
  };
  /** How this turn's reply is presented: a stream in 1:1 chats when streaming is on, else a card reply. */
  presenterFor?: (context: TurnContext) => AnswerPresenter | undefined;
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
  const presenter = deps.presenterFor?.(context) ?? cardReply(context, deps.q);
  try {
    await answerWith(presenter, context, question, deps, options);
  } finally {
    await presenter.finish();
  }
}

async function answerWith(presenter: AnswerPresenter, context: TurnContext, question: string, deps: AnswerDependencies, options: AskOptions): Promise<void> {
  const user = askingUser(context);
  const prompt = options.promptForQ && options.promptForQ.length <= USER_MESSAGE_MAX_LENGTH ? options.promptForQ : question;
  const log = deps.logger.child({ activityId: context.activity.id, event: 'answer' });
  const answerTimer = telemetry.answers.start();
  if (!options.input && question.length > USER_MESSAGE_MAX_LENGTH) {
    log.info({ outcome: 'tooLong', length: question.length }, 'question refused before calling Q');
    answerTimer.end('tooLong');
    await presenter.reply(cardMessage(questionTooLongCard(question.length)));
    return;
  }

  const turn = {
    user,
    prompt,
    ...(options.input ? { input: options.input } : {}),
    ...(options.conversation ? { conversation: options.conversation } : {}),
    ...(options.attachments ? { attachments: options.attachments } : {}),
  };
  const result = await presenter.asking((callQ) => askQ(context, deps.turns, turn, callQ));
  if (result.kind === 'failed') {
    const { error } = result;
    answerTimer.end(error.kind);
    if (error instanceof IdentityFailure) {
      if (error.kind === 'signInRequired' && deps.onSignInRequired) return deps.onSignInRequired(context, prompt, options.askedBy);
      log.warn({ outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId }, 'no identity-aware session');
      await presenter.reply(cardMessage(identityFailureCard(error.kind, error.requestId)));
      return;
    }
    const shown = presenter.shownText();
    log.warn({ outcome: error.kind, error: error.errorName, awsRequestId: error.requestId, ...(shown ? { interruptedAfterChars: shown.length } : {}) }, 'Q did not answer');
    const retryKey = RETRYABLE.has(error.kind) ? await deps.retries.remember({ askerKey: user.key, question: prompt }) : undefined;
    await presenter.reply(cardMessage(failureCard(error, retryKey, shown)));
    return;
  }

  const { outcome } = result;
  log.info({ outcome: outcome.kind, awsRequestId: outcome.requestId, qConversationId: outcome.conversationId, sources: outcome.kind === 'answer' ? outcome.sources.length : 0 }, 'answered');
  if (outcome.kind !== 'answer') {
    answerTimer.end(outcome.kind);
    await deps.plugins.present(context, user, outcome, (activity) => presenter.reply(activity));
    return;
  }
  if (!outcome.text.trim()) {
    answerTimer.end('empty');
    await presenter.reply(cardMessage(emptyAnswerCard()));
    return;
  }
  if (isNoAnswer(outcome.text, outcome.sources)) {
    answerTimer.end('noAnswer');
    await presenter.reply(cardMessage(noAnswerCard()));
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
    ...(result.restarted ? { notice: RESTARTED_NOTICE } : {}),
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
  await presenter.reply(cardMessage(card, { aiGenerated: true }));
  answerTimer.end('answered');
}
