/**
 * Server-side state behind the cards, kept through the botbuilder `Storage` interface (memory by
 * default) so a durable store can be swapped in without touching handlers. Cards carry only an
 * opaque key; who asked, and which Q message a vote belongs to, are always read from here.
 */
import { randomUUID } from 'node:crypto';
import type { ConversationReference, Storage, StoreItem } from 'botbuilder';
import type { AnswerCardModel } from '../cards/answerCard';
import type { PluginActionReview } from '../model/plugin';
import type { ConversationPointer } from '../services/qbusinessService';

const PREFIX = 'qteams';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** How long each kind of record stays usable; older ones read as absent and are deleted. */
export const RETENTION_MS = { conversation: 30 * DAY, answer: 30 * DAY, retry: DAY, waiting: HOUR, pluginAction: DAY } as const;

export type Clock = () => Date;

class KeyedStore<T extends object> {
  constructor(
    private readonly storage: Storage,
    private readonly kind: string,
    private readonly retentionMs: number,
    private readonly now: Clock,
  ) {}

  protected storageKey(...parts: string[]): string {
    return [PREFIX, this.kind, ...parts.map(encodeURIComponent)].join('/');
  }

  protected async readItem(key: string): Promise<T | undefined> {
    const items = await this.storage.read([key]);
    const item = items[key] as (T & StoreItem & { expiresAt?: number }) | undefined;
    if (!item) return undefined;
    if (typeof item.expiresAt === 'number' && item.expiresAt <= this.now().getTime()) {
      await this.storage.delete([key]);
      return undefined;
    }
    const { eTag: _eTag, expiresAt: _expiresAt, ...value } = item;
    return value as unknown as T;
  }

  protected async writeItem(key: string, value: T): Promise<void> {
    await this.storage.write({ [key]: { ...value, expiresAt: this.now().getTime() + this.retentionMs, eTag: '*' } });
  }

  /** Stores a value under a new random key and returns the key (what a card carries). */
  protected async writeNew(value: T): Promise<string> {
    const key = randomUUID();
    await this.writeItem(this.storageKey(key), value);
    return key;
  }

  protected async deleteItem(key: string): Promise<void> {
    await this.storage.delete([key]);
  }
}

/** The Q conversation each Teams user is in, per Teams conversation. */
export class ConversationStore extends KeyedStore<ConversationPointer> {
  constructor(storage: Storage, now: Clock) {
    super(storage, 'conversation', RETENTION_MS.conversation, now);
  }

  get(teamsConversationId: string, userKey: string): Promise<ConversationPointer | undefined> {
    return this.readItem(this.storageKey(teamsConversationId, userKey));
  }

  set(teamsConversationId: string, userKey: string, pointer: ConversationPointer): Promise<void> {
    return this.writeItem(this.storageKey(teamsConversationId, userKey), pointer);
  }

  clear(teamsConversationId: string, userKey: string): Promise<void> {
    return this.deleteItem(this.storageKey(teamsConversationId, userKey));
  }
}

export interface AnswerRecord {
  askerKey: string;
  askerName?: string;
  qConversationId: string;
  systemMessageId: string;
  /** The card as last shown (fitted to Teams' limits), so every re-render is the same answer. */
  card: Omit<AnswerCardModel, 'view' | 'feedbackProblem'>;
}

/** Answers that can still be rated, by the key their card carries. */
export class AnswerStore extends KeyedStore<AnswerRecord> {
  constructor(storage: Storage, now: Clock) {
    super(storage, 'answer', RETENTION_MS.answer, now);
  }

  newKey(): string {
    return randomUUID();
  }

  get(answerKey: string): Promise<AnswerRecord | undefined> {
    return this.readItem(this.storageKey(answerKey));
  }

  save(answerKey: string, record: AnswerRecord): Promise<void> {
    return this.writeItem(this.storageKey(answerKey), record);
  }
}

export interface PendingQuestion {
  askerKey: string;
  question: string;
}

/** Questions that failed for a transient reason, so "Try again" can re-ask without the text in the card. */
export class RetryStore extends KeyedStore<PendingQuestion> {
  constructor(storage: Storage, now: Clock) {
    super(storage, 'retry', RETENTION_MS.retry, now);
  }

  remember(pending: PendingQuestion): Promise<string> {
    return this.writeNew(pending);
  }

  async take(retryKey: string): Promise<PendingQuestion | undefined> {
    const key = this.storageKey(retryKey);
    const pending = await this.readItem(key);
    if (pending) await this.deleteItem(key);
    return pending;
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
export class WaitingQuestionStore extends KeyedStore<{ items: WaitingQuestion[] }> {
  private static readonly MAX_PER_PERSON = 5;

  constructor(storage: Storage, now: Clock) {
    super(storage, 'waiting', RETENTION_MS.waiting, now);
  }

  async add(userKey: string, question: string, reference: Partial<ConversationReference>, askedBy?: string): Promise<WaitingQuestion> {
    const key = this.storageKey(userKey);
    const items = (await this.readItem(key))?.items ?? [];
    const waiting: WaitingQuestion = { id: randomUUID(), question, reference, ...(askedBy ? { askedBy } : {}) };
    await this.writeItem(key, { items: [...items, waiting].slice(-WaitingQuestionStore.MAX_PER_PERSON) });
    return waiting;
  }

  /** Removes and returns this person's questions asked in `conversationId` (all, when omitted). */
  async take(userKey: string, filter: { conversationId?: string; id?: string } = {}): Promise<WaitingQuestion[]> {
    const key = this.storageKey(userKey);
    const items = (await this.readItem(key))?.items ?? [];
    const matches = (item: WaitingQuestion): boolean =>
      (!filter.id || item.id === filter.id) && (!filter.conversationId || item.reference.conversation?.id === filter.conversationId);
    const taken = items.filter(matches);
    if (taken.length > 0) await this.writeItem(key, { items: items.filter((item) => !matches(item)) });
    return taken;
  }

  async has(userKey: string, id: string): Promise<boolean> {
    return ((await this.readItem(this.storageKey(userKey)))?.items ?? []).some((item) => item.id === id);
  }

  clear(userKey: string): Promise<void> {
    return this.deleteItem(this.storageKey(userKey));
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
export class PluginActionStore extends KeyedStore<PendingPluginAction> {
  constructor(storage: Storage, now: Clock) {
    super(storage, 'plugin-action', RETENTION_MS.pluginAction, now);
  }

  remember(pending: PendingPluginAction): Promise<string> {
    return this.writeNew(pending);
  }

  get(actionKey: string): Promise<PendingPluginAction | undefined> {
    return this.readItem(this.storageKey(actionKey));
  }

  forget(actionKey: string): Promise<void> {
    return this.deleteItem(this.storageKey(actionKey));
  }
}
