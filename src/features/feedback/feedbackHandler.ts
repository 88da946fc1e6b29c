/**
 * 👍/👎 on an answer card → Q Business PutFeedback (through ./votes, which makes each vote count
 * once across instances and never loses one), with the card re-rendered in place to show what
 * was recorded or that it will be sent. Only the asker may vote.
 */
import { buildAnswerCard, type AnswerCardModel } from '../../cards/answerCard';
import { VERBS } from '../../cards/verbs';
import type { AdaptiveCardJson } from '../../cards/types';
import type { TeamsTurn } from '../../domain/turn';
import { FEEDBACK_COMMENT_MAX_LENGTH, isNegativeFeedbackReason } from '../../domain/answer';
import type { AnswerRecord, AnswerStore } from './answerStore';
import type { Vote, Votes, VoteState } from './votes';

export interface FeedbackDependencies {
  answers: AnswerStore;
  votes: Votes;
}

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

const GONE = 'This answer can no longer be rated. Ask the question again to rate a new answer.';

export class FeedbackHandler {
  constructor(private readonly deps: FeedbackDependencies) {}

  async handle(turn: TeamsTurn, verb: string, data: FeedbackActionData): Promise<FeedbackOutcome> {
    const answerKey = typeof data.answerKey === 'string' ? data.answerKey : undefined;
    if (!answerKey) return { reply: 'That card is missing its answer reference; ask the question again to rate the answer.' };
    const record = (await this.deps.answers.read(answerKey))?.value;
    if (!record) return { reply: GONE };
    if (record.askerKey !== turn.asker.key) {
      // A refresh from someone else just gets the shared view; a click gets a polite no.
      return { reply: verb === VERBS.refreshAnswer ? viewForEveryone(record) : `Only ${record.askerName ?? 'the person who asked'} can rate this answer.` };
    }
    const reply = await this.apply(turn, verb, data, answerKey, record);
    // A refresh only shows the asker their view; any other click also changes the message itself.
    if (typeof reply === 'string' || verb === VERBS.refreshAnswer) return { reply };
    return { reply, everyone: record.card.askerTeamsId ? viewForEveryone(record) : reply };
  }

  private async apply(turn: TeamsTurn, verb: string, data: FeedbackActionData, answerKey: string, record: AnswerRecord): Promise<FeedbackResult> {
    const render = (extra: Partial<AnswerCardModel> = {}): AdaptiveCardJson => askerView(record, extra);
    switch (verb) {
      case VERBS.feedbackDown:
        return render({ view: 'reasons' });
      case VERBS.feedbackUp:
        return this.vote(turn, answerKey, { vote: 'up' });
      case VERBS.feedbackSubmitNegative: {
        if (!isNegativeFeedbackReason(data.reason)) return render({ view: 'reasons', feedbackProblem: 'Pick one of the reasons, then send.' });
        const comment = typeof data.comment === 'string' ? data.comment.trim() : '';
        if (comment.length > FEEDBACK_COMMENT_MAX_LENGTH) {
          return render({ view: 'reasons', feedbackProblem: `Comments can be up to ${FEEDBACK_COMMENT_MAX_LENGTH} characters; yours has ${comment.length}.` });
        }
        return this.vote(turn, answerKey, { vote: 'down', reason: data.reason, ...(comment ? { comment } : {}) });
      }
      default:
        // Refresh and cancel: the answer as it stands.
        return render();
    }
  }

  private async vote(turn: TeamsTurn, answerKey: string, vote: Vote): Promise<FeedbackResult> {
    const activityId = turn.activity.replyToId;
    const message = activityId ? { reference: turn.address(), activityId } : undefined;
    return askerViewOf(await this.deps.votes.submit(answerKey, vote, message));
  }
}

/** The asker's card for a vote's state: recorded, on its way, or refused with the reason. */
export function askerViewOf(result: VoteState): FeedbackResult {
  switch (result.state) {
    case 'gone':
      return GONE;
    case 'failed':
      return askerView(result.record, { feedbackProblem: result.problem });
    default:
      return askerView(result.record);
  }
}

function askerView(record: AnswerRecord, extra: Partial<AnswerCardModel> = {}): AdaptiveCardJson {
  const pending = record.pendingVote;
  return buildAnswerCard({ ...record.card, view: 'vote', viewer: 'asker', ...(pending ? { feedback: pending.feedback, votePending: true } : {}), ...extra });
}

/** What everyone in a channel or group chat sees (the asker's controls come through refresh). */
export function viewForEveryone(record: AnswerRecord): AdaptiveCardJson {
  return buildAnswerCard({ ...record.card, view: 'vote', viewer: 'others' });
}
