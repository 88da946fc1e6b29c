/**
 * Answers that can still be rated, by the opaque key their card carries: who asked, which Q
 * message a vote belongs to, the card as shown, and a vote Q has not taken yet. Every change is a
 * conditional write, so two instances handling the same click never both act on it.
 */
import { randomUUID } from 'node:crypto';
import type { AnswerCardModel } from '../../cards/answerCard';
import type { FeedbackState } from '../../domain/answer';
import { RETENTION_MS } from '../../domain/retention';
import type { ConversationAddress } from '../../domain/turn';
import { ExpiringRecords, type Clock, type UNCHANGED, type Versioned } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

/** A vote Q has not taken yet: sent again later without another click (./voteOutbox). */
export interface PendingVote {
  feedback: Exclude<FeedbackState, { vote: 'none' }>;
  /** When the person voted (epoch ms): what Q records as `submittedAt`. */
  submittedAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** While one instance is sending it, others leave it alone (epoch ms). */
  sendingUntil?: number;
  /** Where the card is, so it can be updated once the vote lands or finally fails. */
  message?: { reference: ConversationAddress; activityId: string };
}

export interface AnswerRecord {
  askerKey: string;
  askerName?: string;
  qConversationId: string;
  systemMessageId: string;
  /** The card as last shown (fitted to Teams' limits), so every re-render is the same answer. */
  card: Omit<AnswerCardModel, 'view' | 'feedbackProblem'>;
  pendingVote?: PendingVote;
  /** In a shared space with private answers: who may see it (src/features/sharedSpaces). */
  privacy?: AnswerPrivacy;
}

/** A private answer in a channel or group chat: the asker's until they share it (then for good). */
export interface AnswerPrivacy {
  state: 'private' | 'shared';
  /** The question as asked there (already public in the thread): shown on the placeholder and for "Ask this as me". */
  question: string;
}

/** Answers that can still be rated, by the key their card carries. */
export class AnswerStore {
  /** Votes mostly come within minutes, often to the instance that answered: it votes without a read. */
  private static readonly REMEMBERED = 1_000;
  private readonly records: ExpiringRecords<AnswerRecord>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'answer', RETENTION_MS.answer, now, { remember: AnswerStore.REMEMBERED });
  }

  newKey(): string {
    return randomUUID();
  }

  read(answerKey: string): Promise<Versioned<AnswerRecord> | undefined> {
    return this.records.read(this.records.key(answerKey));
  }

  /** The version this instance last read or wrote: possibly stale, so only a base for a conditional write. */
  recall(answerKey: string): Versioned<AnswerRecord> | undefined {
    return this.records.recall(this.records.key(answerKey));
  }

  /** A new answer: its key is new and random, so nobody else writes it yet (one create; its version is remembered). */
  async save(answerKey: string, record: AnswerRecord): Promise<void> {
    await this.records.add(this.records.key(answerKey), record);
  }

  /** A new answer as its card was shown: stored without who-sees-what (view, viewer), which each re-render decides. */
  saveShown(answerKey: string, shown: AnswerCardModel, rated: { askerKey: string; askerName?: string; qConversationId: string; systemMessageId: string; privacy?: AnswerPrivacy }): Promise<void> {
    const { view: _view, viewer: _viewer, feedbackProblem: _problem, ...card } = shown;
    return this.save(answerKey, { ...rated, card });
  }

  /** Writes the record only if nobody changed it since it was read; the new eTag, or undefined. */
  replace(answerKey: string, record: AnswerRecord, eTag: string): Promise<string | undefined> {
    return this.records.replace(this.records.key(answerKey), record, eTag);
  }

  update(answerKey: string, change: (current: AnswerRecord | undefined) => AnswerRecord | typeof UNCHANGED): Promise<Versioned<AnswerRecord> | undefined> {
    return this.records.update(this.records.key(answerKey), change);
  }
}

