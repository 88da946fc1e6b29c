/**
 * 👍/👎 on an answer card → Q Business PutFeedback (through ./votes, which makes each vote count
 * once across instances and never loses one), with the card re-rendered in place to show what
 * was recorded or that it will be sent. Only the asker may vote.
 */
import { buildAnswerCard, type AnswerCardModel } from '../../cards/answerCard';
import { privateAskerView, privatePlaceholderCard, sharedByView } from '../../cards/privateAnswerCards';
import { VERBS } from '../../cards/verbs';
import type { AdaptiveCardJson } from '../../cards/types';
import type { TeamsTurn } from '../../domain/turn';
import { FEEDBACK_COMMENT_MAX_LENGTH, isNegativeFeedbackReason } from '../../domain/answer';
import type { AnswerRecord, AnswerStore } from './answerStore';
import type { KnownAnswer, Vote, Votes, VoteState } from './votes';

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
   * The stored message as everyone sees it after the click: in channels and group chats the view
   * without rating controls (the asker gets theirs through refresh).
   */
  everyone?: AdaptiveCardJson;
  /**
   * The click recorded a vote, so the stored message must change. Otherwise (the reasons form, a
   * form refused with a problem, Cancel) the view is the clicker's alone: a client with Universal
   * Actions shows it from the invoke response, and replacing the message would re-render the card
   * under them (a form being filled loses its values; a private answer's refresh drops the form).
   */
  voted: boolean;
}

/** The verbs that record a vote (the others only show the card). */
const VOTE_VERBS = new Set<string>([VERBS.feedbackUp, VERBS.feedbackSubmitNegative]);

const GONE = 'This answer can no longer be rated. Ask the question again to rate a new answer.';

export class FeedbackHandler {
  constructor(private readonly deps: FeedbackDependencies) {}

  async handle(turn: TeamsTurn, verb: string, data: FeedbackActionData): Promise<FeedbackOutcome> {
    const answerKey = typeof data.answerKey === 'string' ? data.answerKey : undefined;
    if (!answerKey) return { reply: 'That card is missing its answer reference; ask the question again to rate the answer.', voted: false };
    // A vote ends in a conditional write, so it may start from the version this instance remembers;
    // everything else shows the record, so it reads the stored one.
    const remembered = VOTE_VERBS.has(verb) ? this.deps.answers.recall(answerKey) : undefined;
    const current = remembered ?? (await this.deps.answers.read(answerKey));
    if (!current) return { reply: GONE, voted: false };
    const record = current.value;
    const showing = verb === VERBS.refreshAnswer || verb === VERBS.showAnswer;
    if (record.askerKey !== turn.asker.key) {
      // A refresh from someone else just gets the view for everyone (a private answer's placeholder);
      // a click gets a polite no, which for a private answer is the placeholder saying whose it is.
      if (showing) return { reply: viewForEveryone(record, verb === VERBS.showAnswer ? notYours(record) : undefined), voted: false };
      if (isPrivate(record)) return { reply: viewForEveryone(record, notYours(record)), voted: false };
      return { reply: `Only ${record.askerName ?? 'the person who asked'} can rate this answer.`, voted: false };
    }
    const { reply, voted } = await this.apply(turn, verb, data, answerKey, { current, fresh: !remembered });
    // A refresh only shows the asker their view.
    if (typeof reply === 'string' || showing) return { reply, voted: false };
    return { reply, everyone: record.card.askerTeamsId ? viewForEveryone(record) : reply, voted };
  }

  private async apply(turn: TeamsTurn, verb: string, data: FeedbackActionData, answerKey: string, known: KnownAnswer): Promise<{ reply: FeedbackResult; voted: boolean }> {
    const record = known.current.value;
    const view = (extra: Partial<AnswerCardModel> = {}): { reply: FeedbackResult; voted: boolean } => ({ reply: askerView(record, extra), voted: false });
    const vote = async (cast: Vote): Promise<{ reply: FeedbackResult; voted: boolean }> => ({ reply: await this.vote(turn, answerKey, cast, known), voted: true });
    switch (verb) {
      case VERBS.feedbackDown:
        return view({ view: 'reasons' });
      case VERBS.feedbackUp:
        return vote({ vote: 'up' });
      case VERBS.feedbackSubmitNegative: {
        if (!isNegativeFeedbackReason(data.reason)) return view({ view: 'reasons', feedbackProblem: 'Pick one of the reasons, then send.' });
        const comment = typeof data.comment === 'string' ? data.comment.trim() : '';
        if (comment.length > FEEDBACK_COMMENT_MAX_LENGTH) {
          return view({ view: 'reasons', feedbackProblem: `Comments can be up to ${FEEDBACK_COMMENT_MAX_LENGTH} characters; yours has ${comment.length}.` });
        }
        return vote({ vote: 'down', reason: data.reason, ...(comment ? { comment } : {}) });
      }
      default:
        // Refresh and cancel: the answer as it stands.
        return view();
    }
  }

  private async vote(turn: TeamsTurn, answerKey: string, vote: Vote, known: KnownAnswer): Promise<FeedbackResult> {
    const activityId = turn.activity.replyToId;
    const message = activityId ? { reference: turn.address(), activityId } : undefined;
    return askerViewOf(await this.deps.votes.submit(answerKey, vote, message, known));
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

export function askerView(record: AnswerRecord, extra: Partial<AnswerCardModel> = {}): AdaptiveCardJson {
  const pending = record.pendingVote;
  const card = buildAnswerCard({ ...record.card, view: 'vote', viewer: 'asker', ...(pending ? { feedback: pending.feedback, votePending: true } : {}), ...extra });
  if (!record.privacy) return card;
  // The asker's refresh keeps their own view (the placeholder's refresh verb shows it again).
  const own = { ...card, refresh: { action: { type: 'Action.Execute', title: 'Show my view', verb: VERBS.showAnswer, data: { answerKey: record.card.answerKey } }, userIds: [record.card.askerTeamsId ?? ''] } };
  return record.privacy.state === 'private' ? privateAskerView(own, record.card.answerKey) : sharedByView(own, record.askerName ?? 'the person who asked');
}

/**
 * What everyone in a channel or group chat sees (the asker's controls come through refresh): for a
 * private answer not yet shared, only the placeholder, built from the record's question and names.
 */
export function viewForEveryone(record: AnswerRecord, notice?: string): AdaptiveCardJson {
  if (isPrivate(record)) return placeholderOf(record, notice);
  const card = buildAnswerCard({ ...record.card, view: 'vote', viewer: 'others' });
  return record.privacy?.state === 'shared' ? sharedByView(card, record.askerName ?? 'the person who asked') : card;
}

export function isPrivate(record: AnswerRecord): boolean {
  return record.privacy?.state === 'private';
}

export function placeholderOf(record: AnswerRecord, notice?: string): AdaptiveCardJson {
  return privatePlaceholderCard({
    key: { answerKey: record.card.answerKey },
    showVerb: VERBS.showAnswer,
    askedBy: record.askerName ?? record.card.askedBy ?? 'Someone',
    askerTeamsId: record.card.askerTeamsId ?? '',
    question: record.privacy?.question ?? '',
    kind: 'answer',
    ...(notice ? { notice } : {}),
  });
}

function notYours(record: AnswerRecord): string {
  return `Only ${record.askerName ?? 'the person who asked'} can see or act on this answer.`;
}

