/**
 * Server-side state behind the cards, shared by every instance through the `StateStorage`
 * (memory in the playground, Azure Blob Storage in production). Cards carry only an opaque key;
 * who asked, and which Q message a vote belongs to, are always read from here. Every change is a
 * conditional write, so two instances handling the same click or sign-in never both act on it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import type { AnswerCardModel } from '../../cards/answerCard';
import type { FeedbackState } from '../../domain/answer';
import type { PluginActionReview } from '../../domain/plugin';
import type { ConversationPointer } from '../../qbusiness/qbusinessService';
import { ExpiringRecords, REMOVE, UNCHANGED, type Clock, type Versioned } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';
import { RETENTION_MS } from '../../domain/retention';


/** A vote Q has not taken yet: sent again later without another click (src/bot/voteOutbox). */
export interface PendingVote {
  feedback: Exclude<FeedbackState, { vote: 'none' }>;
  /** When the person voted (epoch ms): what Q records as `submittedAt`. */
  submittedAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** While one instance is sending it, others leave it alone (epoch ms). */
  sendingUntil?: number;
  /** Where the card is, so it can be updated once the vote lands or finally fails. */
  message?: { reference: Partial<ConversationReference>; activityId: string };
}

export interface AnswerRecord {
  askerKey: string;
  askerName?: string;
  qConversationId: string;
  systemMessageId: string;
  /** The card as last shown (fitted to Teams' limits), so every re-render is the same answer. */
  card: Omit<AnswerCardModel, 'view' | 'feedbackProblem'>;
  pendingVote?: PendingVote;
}

/** Answers that can still be rated, by the key their card carries. */
export class AnswerStore {
  private readonly records: ExpiringRecords<AnswerRecord>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'answer', RETENTION_MS.answer, now);
  }

  newKey(): string {
    return randomUUID();
  }

  read(answerKey: string): Promise<Versioned<AnswerRecord> | undefined> {
    return this.records.read(this.records.key(answerKey));
  }

  /** A new answer: its key is new and random, so nobody else writes it yet. */
  async save(answerKey: string, record: AnswerRecord): Promise<void> {
    await this.records.put(this.records.key(answerKey), record);
  }

  /** Writes the record only if nobody changed it since it was read; the new eTag, or undefined. */
  replace(answerKey: string, record: AnswerRecord, eTag: string): Promise<string | undefined> {
    return this.records.replace(this.records.key(answerKey), record, eTag);
  }

  update(answerKey: string, change: (current: AnswerRecord | undefined) => AnswerRecord | typeof UNCHANGED): Promise<Versioned<AnswerRecord> | undefined> {
    return this.records.update(this.records.key(answerKey), change);
  }
}

export interface PendingQuestion {
  askerKey: string;
  question: string;
}

/** Questions that failed for a transient reason, so "Try again" can re-ask without the text in the card. */
export class RetryStore {
  private readonly records: ExpiringRecords<PendingQuestion>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'retry', RETENTION_MS.retry, now);
  }

  remember(pending: PendingQuestion): Promise<string> {
    return this.records.putNew(pending);
  }

  /** The question, for its asker only and only once: others can neither use nor use up the key. */
  take(retryKey: string, askerKey: string): Promise<PendingQuestion | undefined> {
    return this.records.take(this.records.key(retryKey), (pending) => pending.askerKey === askerKey);
  }
}

export interface WaitingQuestion {
  id: string;
  question: string;
  reference: Partial<ConversationReference>;
  /** In channels and group chats: who asked, for the answer card. */
  askedBy?: string;
}

/** Questions asked before the person had a session: answered as soon as sign-in completes. */
export class WaitingQuestionStore {
  private static readonly MAX_PER_PERSON = 5;
  private readonly records: ExpiringRecords<{ items: WaitingQuestion[] }>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'waiting', RETENTION_MS.waiting, now);
  }

  async add(userKey: string, question: string, reference: Partial<ConversationReference>, askedBy?: string): Promise<WaitingQuestion> {
    const waiting: WaitingQuestion = { id: randomUUID(), question, reference, ...(askedBy ? { askedBy } : {}) };
    await this.records.update(this.records.key(userKey), (current) => ({
      items: [...(current?.items ?? []), waiting].slice(-WaitingQuestionStore.MAX_PER_PERSON),
    }));
    return waiting;
  }

  /** Removes and returns this person's questions asked in `conversationId` (all, when omitted). Each goes to one taker only. */
  async take(userKey: string, filter: { conversationId?: string; id?: string } = {}): Promise<WaitingQuestion[]> {
    const matches = (item: WaitingQuestion): boolean =>
      (!filter.id || item.id === filter.id) && (!filter.conversationId || item.reference.conversation?.id === filter.conversationId);
    let taken: WaitingQuestion[] = [];
    await this.records.update(this.records.key(userKey), (current) => {
      const items = current?.items ?? [];
      taken = items.filter(matches);
      if (taken.length === 0) return UNCHANGED;
      const left = items.filter((item) => !matches(item));
      return left.length > 0 ? { items: left } : REMOVE;
    });
    return taken;
  }

  async has(userKey: string, id: string): Promise<boolean> {
    return ((await this.records.get(this.records.key(userKey)))?.items ?? []).some((item) => item.id === id);
  }

  clear(userKey: string): Promise<void> {
    return this.records.delete(this.records.key(userKey));
  }
}

export interface PendingPluginAction {
  askerKey: string;
  /** The Q message that asked for review or sign-in: the execution continues from it. */
  conversation: ConversationPointer;
  review?: PluginActionReview;
  pluginType: string;
}

/** Plugin actions waiting for the person's review or sign-in, by the key their card carries. */
export class PluginActionStore {
  private readonly records: ExpiringRecords<PendingPluginAction>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'plugin-action', RETENTION_MS.pluginAction, now);
  }

  remember(pending: PendingPluginAction): Promise<string> {
    return this.records.putNew(pending);
  }

  get(actionKey: string): Promise<PendingPluginAction | undefined> {
    return this.records.get(this.records.key(actionKey));
  }

  /** Claims the action for its asker: true for exactly one of several racing submits. */
  async claim(actionKey: string, askerKey: string): Promise<boolean> {
    return Boolean(await this.records.take(this.records.key(actionKey), (pending) => pending.askerKey === askerKey));
  }
}

/**
 * Work that must happen once across all instances (a token exchange Teams delivered to several):
 * the first to create the claim does it. Claims are hashed, so no token or id is stored.
 */
export class OnceClaims {
  private readonly records: ExpiringRecords<{ at: number }>;

  constructor(
    storage: StateStorage,
    private readonly now: Clock,
  ) {
    this.records = new ExpiringRecords(storage, 'claim', RETENTION_MS.exchangeClaim, now);
  }

  async claim(...parts: string[]): Promise<boolean> {
    const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
    return Boolean(await this.records.claim(this.records.key(digest), { at: this.now().getTime() }));
  }
}
