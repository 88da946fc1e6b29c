/**
 * The answer loop, top to bottom: a question from Teams → checked → asked of Amazon Q Business
 * (./askQ: in the person's Q conversation, ChatSync or Chat) → the outcome becomes one reply
 * (an answer card, a failure card that says what to do, a plugin form) → presented (a card reply,
 * or a stream in 1:1 chats: src/features/replies). A person without a session is not answered
 * here: the result says so, and the sign-in feature takes over (src/features/signIn).
 */
import type { Logger } from 'pino';
import { placeCitations } from '../../cards/citations';
import { cardMessage } from '../../cards/messages';
import { emptyAnswerCard, failureCard, noAnswerCard, questionTooLongCard } from '../../cards/messageCards';
import { askExpertAction } from '../../cards/expertCards';
import { identityFailureCard } from '../../cards/signInCards';
import { fitAnswerToTeams } from '../../cards/teamsLimits';
import { USER_MESSAGE_MAX_LENGTH } from '../../domain/answer';
import { isRetryable } from '../../domain/failure';
import { isNoAnswer } from '../../domain/noAnswer';
import type { AskingUser } from '../../domain/askingUser';
import type { ConversationPointer, PluginOutcome, QAttachment, QInput } from '../../domain/qTurn';
import type { OutgoingActivity, TeamsTurn } from '../../domain/turn';
import { IdentityFailure } from '../../identity/identityFailure';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import { telemetry } from '../../telemetry';
import type { AnswerStore } from '../feedback/answerStore';
import { cardReply } from '../replies/cardReply';
import type { AnswerPresenter } from '../replies/presenter';
import { placeholderOf } from '../feedback/feedbackHandler';
import { spacePolicies, NO_SPACE_RULES, type SpacePolicies } from '../../domain/spacePolicy';
import { askQ } from './askQ';
import type { ConversationTurns } from './conversationTurns';
import type { RetryStore } from './retryStore';

export interface AnsweringDependencies {
  q: QBusinessService;
  /** The person's Q conversation per Teams chat, one question at a time (./conversationTurns). */
  turns: ConversationTurns;
  answers: AnswerStore;
  retries: RetryStore;
  logger: Logger;
  /** Plugin turns: the review form or the plugin sign-in card (src/features/pluginActions). */
  plugins: { present(user: AskingUser, outcome: PluginOutcome, send: (activity: OutgoingActivity) => Promise<void>, privateFor?: PrivateTo): Promise<void> };
  /** A stream in 1:1 chats when streaming is on (src/features/replies/streamingReply); else a card reply. */
  presenterFor?: (turn: TeamsTurn) => AnswerPresenter | undefined;
  /** Whether answers in this conversation are private to the asker, and its knowledge scope (src/features/sharedSpaces). */
  spaces?: SpacePolicies;
}

export interface AskOptions {
  /** What Q gets when it differs from the question itself: the question plus thread context. */
  promptForQ?: string;
  /** Shown on the card in channels and group chats, where several people ask. */
  askedBy?: string;
  /** Instead of a question: a reviewed plugin action or a plugin sign-in, in a given conversation. */
  input?: Exclude<QInput, { question: string }>;
  conversation?: ConversationPointer;
  /** Files sent with the question (already checked against Q's limits). */
  attachments?: QAttachment[];
  /** Files Q already has in this conversation: sent again only if the turn starts a new Q conversation. */
  attachmentsIfNew?: QAttachment[];
  /** A line shown on the answer card about how it was made (e.g. a transcript trimmed to Q's limits). */
  notice?: string;
  /** After a sign-in this question waits for: run the feature again instead of asking `prompt` alone. */
  resume?: ResumeAfterSignIn;
}

/**
 * A feature whose question is more than its words (a recap needs the meeting's transcript) asks
 * to be run again after sign-in: `name` is what it registered with the sign-in flow, `data` what
 * it needs to find its inputs again (kept with the waiting question: ids, never content).
 */
export interface ResumeAfterSignIn {
  name: string;
  data?: Readonly<Record<string, string>>;
}

/** Answered (or told why not), or the person must sign in first: `prompt` is what to ask after. */
export type AnswerResult = { kind: 'replied' } | { kind: 'signInRequired'; prompt: string; askedBy?: string; resume?: ResumeAfterSignIn };

/** A reply in a shared space that only the asker may see: whom to show it to, and the question others see. */
export interface PrivateTo {
  askerTeamsId: string;
  askedBy: string;
  question: string;
}

const RESTARTED_NOTICE = 'Your previous conversation had expired, so this answer starts a new one.';

export class Answering {
  private readonly spaces: SpacePolicies;

  constructor(private readonly deps: AnsweringDependencies) {
    this.spaces = deps.spaces ?? spacePolicies(NO_SPACE_RULES);
  }

  async answer(turn: TeamsTurn, question: string, options: AskOptions = {}): Promise<AnswerResult> {
    const presenter = this.deps.presenterFor?.(turn) ?? cardReply(turn);
    try {
      return await this.answerWith(presenter, turn, question, options);
    } finally {
      await presenter.finish();
    }
  }

  private async answerWith(presenter: AnswerPresenter, turn: TeamsTurn, question: string, options: AskOptions): Promise<AnswerResult> {
    const { deps } = this;
    const user = turn.asker;
    const prompt = options.promptForQ && options.promptForQ.length <= USER_MESSAGE_MAX_LENGTH ? options.promptForQ : question;
    const log = deps.logger.child({ activityId: turn.activity.id, event: 'answer', surface: turn.surface });
    // Decided from the conversation itself, so every route into the loop (a mention, retry, a
    // plugin continuing, an answer after sign-in, "Ask this as me") gets the same rules.
    const space = this.spaces(turn);
    const askedBy = space.shared ? (options.askedBy ?? turn.activity.from.name ?? 'Someone') : options.askedBy;
    const privateTo: PrivateTo | undefined = space.privateAnswers
      ? { askerTeamsId: turn.activity.from.id, askedBy: askedBy ?? 'Someone', question: question || 'A follow-up to a plugin action' }
      : undefined;
    const answerTimer = telemetry.answers.start(space.scope?.name);
    const reply = async (activity: OutgoingActivity): Promise<AnswerResult> => {
      await presenter.final(activity);
      return { kind: 'replied' };
    };

    // 1. Check the question.
    if (!options.input && question.length > USER_MESSAGE_MAX_LENGTH) {
      log.info({ outcome: 'tooLong', length: question.length }, 'question refused before calling Q');
      answerTimer.end('tooLong');
      return reply(cardMessage(questionTooLongCard(question.length)));
    }

    // 2. Ask Q: a card reply shows "typing…" from now on; a stream shows its informative update
    // only once Q is really asked (sign-in may come first) and passes the text on as it grows.
    if (!presenter.streams) void presenter.informative();
    const askTurn = {
      user,
      prompt,
      ...(options.input ? { input: options.input } : {}),
      ...(options.conversation ? { conversation: options.conversation } : {}),
      ...(options.attachments ? { attachments: options.attachments } : {}),
      ...(options.attachmentsIfNew ? { attachmentsIfNew: options.attachmentsIfNew } : {}),
      ...(space.scope ? { attributeFilter: space.scope.attributeFilter } : {}),
    };
    const progress = presenter.streams ? { started: () => presenter.informative(), text: (soFar: string) => presenter.text(soFar) } : undefined;
    const result = await askQ(deps.q, deps.turns, turn.activity.conversation.id, askTurn, progress);

    // Teams refused the stream before Q was asked: nobody would see an answer, and a reply would be refused too.
    if (result.kind === 'notAsked') {
      log.warn({ outcome: 'replyRefused' }, 'Teams refused the first update of the reply: Q not asked');
      answerTimer.end('replyRefused');
      return { kind: 'replied' };
    }

    // 3. Q did not answer: sign in first, or a card that says what happened and what to do.
    if (result.kind === 'failed') {
      const { error } = result;
      answerTimer.end(error.kind);
      if (error instanceof IdentityFailure) {
        if (error.kind === 'signInRequired') return { kind: 'signInRequired', prompt, ...(askedBy ? { askedBy } : {}), ...(options.resume ? { resume: options.resume } : {}) };
        log.warn({ outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId }, 'no identity-aware session');
        return reply(cardMessage(identityFailureCard(error.kind, error.requestId)));
      }
      const shown = presenter.shownText();
      log.warn({ outcome: error.kind, error: error.errorName, awsRequestId: error.requestId, ...(shown ? { interruptedAfterChars: shown.length } : {}) }, 'Q did not answer');
      const retryKey = isRetryable(error.kind) ? await deps.retries.remember({ askerKey: user.key, question: prompt }) : undefined;
      return reply(cardMessage(failureCard(error, retryKey, shown)));
    }

    // 4. Q answered: a plugin turn, nothing usable, or the answer card (kept for its votes).
    const { outcome } = result;
    log.info({ outcome: outcome.kind, awsRequestId: outcome.requestId, qConversationId: outcome.conversationId, sources: outcome.kind === 'answer' ? outcome.sources.length : 0 }, 'answered');
    if (outcome.kind !== 'answer') {
      answerTimer.end(outcome.kind);
      await deps.plugins.present(user, outcome, (activity) => presenter.final(activity), privateTo);
      return { kind: 'replied' };
    }
    if (!outcome.text.trim()) {
      answerTimer.end('empty');
      return reply(cardMessage(emptyAnswerCard()));
    }
    if (isNoAnswer(outcome.text, outcome.sources)) {
      answerTimer.end('noAnswer');
      return reply(cardMessage(noAnswerCard(space.experts ? askExpertAction(question) : undefined)));
    }

    const cited = placeCitations(outcome.text, outcome.sources);
    const answerKey = deps.answers.newKey();
    const { model, card } = fitAnswerToTeams({
      answerKey,
      markdown: cited.markdown,
      sources: cited.sources,
      feedback: { vote: 'none' },
      view: 'vote',
      ...(result.restarted || options.notice ? { notice: [result.restarted ? RESTARTED_NOTICE : '', options.notice ?? ''].filter(Boolean).join(' ') } : {}),
      // In channels and group chats everyone gets the view without rating controls; Teams fetches
      // the asker's own view through the card's refresh action.
      ...(askedBy ? { askedBy, askerTeamsId: turn.activity.from.id, viewer: 'others' as const } : {}),
      ...(outcome.failedAttachments.length ? { failedAttachments: outcome.failedAttachments } : {}),
      ...(space.scope ? { searchedScope: space.scope.name } : {}),
      ...(space.experts && question ? { askExpert: { question } } : {}),
    });
    const record = {
      askerKey: user.key,
      ...(user.name ? { askerName: user.name } : privateTo ? { askerName: privateTo.askedBy } : {}),
      qConversationId: outcome.conversationId,
      systemMessageId: outcome.systemMessageId,
      ...(privateTo ? { privacy: { state: 'private' as const, question: privateTo.question } } : {}),
    };
    await deps.answers.saveShown(answerKey, model, record);
    // A private answer: the thread gets the placeholder; Teams fetches the asker's card through its refresh.
    await presenter.final(privateTo ? cardMessage(placeholderOf({ ...record, card: model })) : cardMessage(card, { aiGenerated: true }));
    answerTimer.end('answered');
    return { kind: 'replied' };
  }
}

/** Answers a question in a turn, signing the person in first when they need to (src/features/signIn). */
export type Ask = (turn: TeamsTurn, question: string, options?: AskOptions) => Promise<void>;
