/**
 * 👍/👎 on an answer card → Q Business PutFeedback, with the card re-rendered in place to show
 * what was recorded. Only the asker may vote; clicks on one answer are handled one at a time and
 * a vote identical to the recorded one is not sent again.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { buildAnswerCard, VERBS, type AnswerCardModel } from '../cards/answerCard';
import type { AdaptiveCardJson } from '../cards/types';
import { FEEDBACK_COMMENT_MAX_LENGTH, isNegativeFeedbackReason, type FeedbackState } from '../model/answer';
import { QFailure } from '../model/failure';
import { IdentityFailure } from '../identity/identityFailure';
import type { QBusinessService } from '../services/qbusinessService';
import { askingUser } from './activities';
import type { AnswerRecord, AnswerStore } from './stores';
import { telemetry } from '../telemetry';

export interface FeedbackDependencies {
  q: QBusinessService;
  answers: AnswerStore;
  logger: Logger;
  now: () => Date;
}

export const FEEDBACK_VERBS = [VERBS.feedbackUp, VERBS.feedbackDown, VERBS.feedbackSubmitNegative, VERBS.feedbackCancel, VERBS.refreshAnswer];

export interface FeedbackActionData {
  answerKey?: unknown;
  reason?: unknown;
  comment?: unknown;
}

/** A card to show in place of the answer card, or a short message when there is nothing to update. */
export type FeedbackResult = AdaptiveCardJson | string;

export interface FeedbackOutcome {
  /** What the clicker sees. */
  reply: FeedbackResult;
  /**
   * The stored message as everyone sees it after the click, when it changed: in channels and group
   * chats the view without rating controls (the asker gets theirs through refresh).
   */
  everyone?: AdaptiveCardJson;
}

export class FeedbackHandler {
  /** Per-answer queue: a double click waits for the first click instead of racing it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: FeedbackDependencies) {}

  async handle(context: TurnContext, verb: string, data: FeedbackActionData): Promise<FeedbackOutcome> {
    const answerKey = typeof data.answerKey === 'string' ? data.answerKey : undefined;
    if (!answerKey) return { reply: 'That card is missing its answer reference; ask the question again to rate the answer.' };
    return this.serialised(answerKey, async (): Promise<FeedbackOutcome> => {
      const record = await this.deps.answers.get(answerKey);
      if (!record) return { reply: 'This answer can no longer be rated. Ask the question again to rate a new answer.' };
      const othersView = (): AdaptiveCardJson => buildAnswerCard({ ...record.card, view: 'vote', viewer: 'others' });
      if (record.askerKey !== askingUser(context).key) {
        // A refresh from someone else just gets the shared view; a click gets a polite no.
        return { reply: verb === VERBS.refreshAnswer ? othersView() : `Only ${record.askerName ?? 'the person who asked'} can rate this answer.` };
      }
      const reply = await this.apply(context, verb, data, answerKey, record);
      // A refresh only shows the asker their view; any other click also changes the message itself.
      if (typeof reply === 'string' || verb === VERBS.refreshAnswer) return { reply };
      return { reply, everyone: record.card.askerTeamsId ? othersView() : reply };
    });
  }

  private async apply(context: TurnContext, verb: string, data: FeedbackActionData, answerKey: string, record: AnswerRecord): Promise<FeedbackResult> {
    const render = (extra: Partial<AnswerCardModel> = {}): AdaptiveCardJson => buildAnswerCard({ ...record.card, view: 'vote', viewer: 'asker', ...extra });
    switch (verb) {
      case VERBS.refreshAnswer:
        return render();
      case VERBS.feedbackDown:
        return render({ view: 'reasons' });
      case VERBS.feedbackCancel:
        return render();
      case VERBS.feedbackUp:
        return this.record(context, answerKey, record, { vote: 'up' }, render);
      case VERBS.feedbackSubmitNegative: {
        if (!isNegativeFeedbackReason(data.reason)) return render({ view: 'reasons', feedbackProblem: 'Pick one of the reasons, then send.' });
        const comment = typeof data.comment === 'string' ? data.comment.trim() : '';
        if (comment.length > FEEDBACK_COMMENT_MAX_LENGTH) {
          return render({ view: 'reasons', feedbackProblem: `Comments can be up to ${FEEDBACK_COMMENT_MAX_LENGTH} characters; yours has ${comment.length}.` });
        }
        return this.record(context, answerKey, record, { vote: 'down', reason: data.reason, ...(comment ? { comment } : {}) }, render);
      }
      default:
        return render();
    }
  }

  private async record(
    context: TurnContext,
    answerKey: string,
    record: AnswerRecord,
    feedback: Exclude<FeedbackState, { vote: 'none' }>,
    render: (extra?: Partial<AnswerCardModel>) => AdaptiveCardJson,
  ): Promise<FeedbackResult> {
    if (sameFeedback(record.card.feedback, feedback)) return render();
    const log = this.deps.logger.child({ activityId: context.activity.id, event: 'feedback', vote: feedback.vote });
    try {
      const awsRequestId = await this.deps.q.putFeedback({
        user: askingUser(context),
        conversationId: record.qConversationId,
        messageId: record.systemMessageId,
        feedback,
        submittedAt: this.deps.now(),
      });
      log.info({ awsRequestId, qConversationId: record.qConversationId }, 'feedback recorded');
      telemetry.votes.add(1, { state: 'recorded' });
    } catch (error) {
      telemetry.votes.add(1, { state: 'failed' });
      if (error instanceof IdentityFailure) {
        log.warn({ outcome: error.kind, reason: error.adminDetail }, 'feedback not recorded: no session');
        return render({ feedbackProblem: 'Your sign-in has expired. Send me any message to sign in again, then vote.' });
      }
      if (!(error instanceof QFailure)) throw error;
      log.warn({ outcome: error.kind, error: error.errorName, awsRequestId: error.requestId }, 'feedback not recorded');
      const retry = error.kind === 'throttled' || error.kind === 'unavailable' ? 'Please try again in a moment.' : 'Please tell your admin.';
      return render({ feedbackProblem: `Your feedback could not be recorded (${error.errorName}). ${retry}` });
    }
    record.card = { ...record.card, feedback };
    await this.deps.answers.save(answerKey, record);
    return render();
  }

  private serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.inFlight.set(key, current);
    void current.finally(() => {
      if (this.inFlight.get(key) === current) this.inFlight.delete(key);
    }).catch(() => undefined);
    return current;
  }
}

function sameFeedback(recorded: FeedbackState, next: FeedbackState): boolean {
  if (recorded.vote !== next.vote) return false;
  if (recorded.vote === 'down' && next.vote === 'down') return recorded.reason === next.reason && (recorded.comment ?? '') === (next.comment ?? '');
  return true;
}
