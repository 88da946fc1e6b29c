/**
 * Getting a vote to Q Business `PutFeedback` exactly once, without losing it. A click first writes
 * the vote into the answer record as pending (a conditional write: of two instances handling the
 * same click, one wins and the other sees the vote already there), then sends it. If Q can't take
 * it right now, the vote stays pending and the outbox (./voteOutbox) sends it again later, with
 * backoff and across restarts; only a final refusal drops it, and the card says so.
 */
import type { Logger } from 'pino';
import type { FeedbackState } from '../../domain/answer';
import { isRetryable, QFailure } from '../../domain/failure';
import { IdentityFailure } from '../../identity/identityFailure';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import { telemetry } from '../../telemetry';
import { ConcurrencyError, UNCHANGED, type Versioned } from '../../state/expiringRecords';
import type { AnswerRecord, AnswerStore, PendingVote } from './answerStore';

/** The answer record as a click's handler has it, and whether it was just read (not remembered). */
export type KnownAnswer = { current: Versioned<AnswerRecord>; fresh: boolean };

export type Vote = Exclude<FeedbackState, { vote: 'none' }>;

/** Where a vote stands after a click or a delivery attempt, with the record as it now is. */
export type VoteState =
  | { state: 'recorded'; record: AnswerRecord; message?: PendingVote['message'] }
  | { state: 'pending'; record: AnswerRecord }
  | { state: 'failed'; record: AnswerRecord; problem: string; message?: PendingVote['message'] }
  | { state: 'gone' };

export interface VoteDependencies {
  q: QBusinessService;
  answers: AnswerStore;
  logger: Logger;
  now: () => Date;
  /** Called when a vote becomes pending, so the outbox looks at it when it is due. */
  schedule(answerKey: string, dueAt: number): Promise<void>;
}

/** Retries after the first attempt: 2 s, 10 s, 30 s, 2 min, 5 min, 10 min; then the vote is dropped. */
export const VOTE_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000, 300_000, 600_000];
/** How long one instance may be sending a vote before another may try (SDK retries included). */
const SENDING_MS = 60_000;
/** How long a duplicate click waits for the instance sending the same vote. */
const DUPLICATE_WAIT_MS = 5_000;
/** It looks again after 100 ms, then less and less often: each look is a read. */
const DUPLICATE_POLL_MS = { first: 100, max: 1_000 };
/** Rereads allowed when other clicks on the same answer keep winning the write (or waits for a duplicate). */
const MAX_CLAIM_ATTEMPTS = 80;

export class Votes {
  constructor(private readonly deps: VoteDependencies) {}

  /**
   * A click: record the vote as pending (once, across instances), then try to send it now.
   * `known` is the record as the caller has it (remembered or just read), so no second read is
   * needed; a remembered one only ever leads to a conditional write, never to leaving things as they are.
   */
  async submit(answerKey: string, vote: Vote, message?: PendingVote['message'], known?: KnownAnswer): Promise<VoteState> {
    const waitUntil = this.deps.now().getTime() + DUPLICATE_WAIT_MS;
    let given = known;
    let wait = DUPLICATE_POLL_MS.first;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt >= MAX_CLAIM_ATTEMPTS) throw new ConcurrencyError(answerKey, MAX_CLAIM_ATTEMPTS);
      const current = given?.current ?? (await this.deps.answers.read(answerKey));
      const fresh = given?.fresh ?? true;
      given = undefined;
      if (!current) return { state: 'gone' };
      const { value: record } = current;
      const now = this.deps.now().getTime();
      const pending = record.pendingVote;
      if (pending && sameVote(pending.feedback, vote)) {
        if (!fresh) continue;
        // The same click, delivered twice (or to two instances): let the first one finish.
        if ((pending.sendingUntil ?? 0) > now && now < waitUntil) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          wait = Math.min(wait * 2, DUPLICATE_POLL_MS.max);
          continue;
        }
        return { state: 'pending', record };
      }
      if (!pending && sameVote(record.card.feedback, vote)) {
        if (!fresh) continue;
        return { state: 'recorded', record };
      }
      const claimed: AnswerRecord = {
        ...record,
        pendingVote: { feedback: vote, submittedAt: now, attempts: 0, nextAttemptAt: now, sendingUntil: now + SENDING_MS, ...(message ? { message } : {}) },
      };
      // Whoever writes the pending vote sends it; a lost race reads again and sees the other's vote.
      if (await this.deps.answers.replace(answerKey, claimed, current.eTag)) return this.send(answerKey, claimed, true);
    }
  }

  /** The outbox: send a pending vote that is due, unless another instance is already sending it. */
  async deliver(answerKey: string): Promise<VoteState | 'notDue'> {
    const current = await this.deps.answers.read(answerKey);
    if (!current) return { state: 'gone' };
    const pending = current.value.pendingVote;
    const now = this.deps.now().getTime();
    if (!pending) return { state: 'recorded', record: current.value };
    if (pending.nextAttemptAt > now || (pending.sendingUntil ?? 0) > now) return 'notDue';
    const claimed: AnswerRecord = { ...current.value, pendingVote: { ...pending, sendingUntil: now + SENDING_MS } };
    if (!(await this.deps.answers.replace(answerKey, claimed, current.eTag))) return 'notDue';
    return this.send(answerKey, claimed, false);
  }

  private async send(answerKey: string, record: AnswerRecord, byClick: boolean): Promise<VoteState> {
    const pending = record.pendingVote as PendingVote;
    const log = this.deps.logger.child({ event: 'feedback', vote: pending.feedback.vote, attempt: pending.attempts + 1 });
    try {
      const awsRequestId = await this.deps.q.putFeedback({
        user: { key: record.askerKey, ...(record.askerName ? { name: record.askerName } : {}) },
        conversationId: record.qConversationId,
        messageId: record.systemMessageId,
        feedback: pending.feedback,
        submittedAt: new Date(pending.submittedAt),
      });
      log.info({ awsRequestId, qConversationId: record.qConversationId, outcome: 'recorded' }, 'feedback recorded');
      telemetry.votes.add(1, { state: 'recorded', vote: pending.feedback.vote });
      return this.settle(answerKey, pending, (latest) => withoutPending({ ...latest, card: { ...latest.card, feedback: pending.feedback } }), 'recorded');
    } catch (error) {
      const failure = classify(error);
      const attempts = pending.attempts + 1;
      if (failure.retry && attempts <= VOTE_RETRY_DELAYS_MS.length) {
        const nextAttemptAt = this.deps.now().getTime() + (VOTE_RETRY_DELAYS_MS[attempts - 1] as number);
        log.warn({ outcome: 'pending', error: failure.name, awsRequestId: failure.requestId, nextAttemptAt: new Date(nextAttemptAt).toISOString() }, 'feedback kept to send again');
        telemetry.votes.add(1, { state: 'pending', vote: pending.feedback.vote });
        const state = await this.settle(answerKey, pending, (latest) => ({ ...latest, pendingVote: { ...pending, attempts, nextAttemptAt, sendingUntil: 0 } }), 'pending');
        if (state.state === 'pending') await this.deps.schedule(answerKey, nextAttemptAt);
        return state;
      }
      const problem = failure.retry
        ? `Your feedback could not be recorded: Amazon Q Business did not take it after ${attempts} attempts (${failure.name}). Please vote again later.`
        : failure.problem;
      log.warn({ outcome: 'failed', error: failure.name, awsRequestId: failure.requestId, byClick }, 'feedback not recorded');
      telemetry.votes.add(1, { state: 'failed', vote: pending.feedback.vote });
      return this.settle(answerKey, pending, withoutPending, 'failed', problem);
    }
  }

  /**
   * Writes the outcome of one attempt, unless the person voted differently meanwhile: then their
   * newer vote rules and is reported as it stands.
   */
  private async settle(answerKey: string, pending: PendingVote, apply: (record: AnswerRecord) => AnswerRecord, outcome: 'recorded' | 'pending' | 'failed', problem = ''): Promise<VoteState> {
    let superseded = false;
    const written = await this.deps.answers.update(answerKey, (latest) => {
      if (!latest) return UNCHANGED;
      superseded = latest.pendingVote?.submittedAt !== pending.submittedAt;
      return superseded ? UNCHANGED : apply(latest);
    });
    if (!written) return { state: 'gone' };
    if (superseded) return written.value.pendingVote ? { state: 'pending', record: written.value } : { state: 'recorded', record: written.value };
    const message = pending.message ? { message: pending.message } : {};
    if (outcome === 'failed') return { state: outcome, record: written.value, problem, ...message };
    return outcome === 'recorded' ? { state: outcome, record: written.value, ...message } : { state: outcome, record: written.value };
  }
}

function withoutPending(record: AnswerRecord): AnswerRecord {
  const { pendingVote: _done, ...rest } = record;
  return rest;
}

function sameVote(recorded: FeedbackState, next: FeedbackState): boolean {
  if (recorded.vote !== next.vote) return false;
  if (recorded.vote === 'down' && next.vote === 'down') return recorded.reason === next.reason && (recorded.comment ?? '') === (next.comment ?? '');
  return true;
}

interface Classified {
  retry: boolean;
  name: string;
  requestId?: string;
  problem: string;
}

/** Throttling and outages are worth waiting out; everything else needs a person. */
function classify(error: unknown): Classified {
  if (error instanceof IdentityFailure) {
    if (error.kind === 'unavailable') return { retry: true, name: 'IdentityUnavailable', problem: '' };
    return { retry: false, name: error.kind, problem: 'Your sign-in has expired. Send me any message to sign in again, then vote.' };
  }
  if (error instanceof QFailure) {
    const retry = isRetryable(error.kind);
    return { retry, name: error.errorName, ...(error.requestId ? { requestId: error.requestId } : {}), problem: `Your feedback could not be recorded (${error.errorName}). Please tell your admin.` };
  }
  throw error;
}

