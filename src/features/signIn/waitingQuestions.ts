/** Questions asked before the person had a session: answered as soon as sign-in completes. */
import { randomUUID } from 'node:crypto';
import { RETENTION_MS } from '../../domain/retention';
import type { ConversationAddress } from '../../domain/turn';
import type { ResumeAfterSignIn } from '../answering/answerQuestion';
import { ExpiringRecords, REMOVE, UNCHANGED, type Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export interface WaitingQuestion {
  id: string;
  question: string;
  reference: ConversationAddress;
  /** In channels and group chats: who asked, for the answer card. */
  askedBy?: string;
  /** The feature to run again instead of asking `question` alone (ids only, never content). */
  resume?: ResumeAfterSignIn;
}

export class WaitingQuestionStore {
  private static readonly MAX_PER_PERSON = 5;
  private readonly records: ExpiringRecords<{ items: WaitingQuestion[] }>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'waiting', RETENTION_MS.waiting, now);
  }

  async add(userKey: string, question: string, reference: ConversationAddress, askedBy?: string, resume?: ResumeAfterSignIn): Promise<WaitingQuestion> {
    const waiting: WaitingQuestion = { id: randomUUID(), question, reference, ...(askedBy ? { askedBy } : {}), ...(resume ? { resume } : {}) };
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

