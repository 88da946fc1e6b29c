/**
 * The Q conversation each person is in, per Teams conversation, and the order of their questions
 * in it. Q continues a conversation from the message named by `parentMessageId`, so two questions
 * sent at once would both continue from the same message. A turn therefore holds a short lease on
 * the person's conversation record: questions queue in this process, and across instances the
 * lease is a conditional write that others wait on. The lease is renewed while Q works and expires
 * by itself if its instance dies, so nobody waits long on a lost holder.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ConversationPointer } from '../../domain/qTurn';
import { ExpiringRecords, REMOVE, UNCHANGED, type Clock, type Versioned } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';
import { RETENTION_MS } from '../../domain/retention';

interface ConversationRecord {
  pointer?: ConversationPointer;
  /** Bumped by /new and /signout: a turn that started before must not write its pointer back. */
  generation: number;
  lease?: { holder: string; until: number };
}

/** What a turn leaves behind: the message the next question continues from (absent: as it was). */
export interface TurnResult<T> {
  value: T;
  pointer?: ConversationPointer;
}

/** Long enough for a slow ChatSync between renewals; short enough that a dead holder is soon forgotten. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/** A turn that hangs longer than this stops renewing, so one stuck call can't block the person for good. */
const MAX_TURN_MS = 3 * 60_000;
const WAIT_STEP_MS = { first: 100, max: 1000 };
const MAX_REMEMBERED = 10_000;

export class ConversationTurns {
  private readonly records: ExpiringRecords<ConversationRecord>;
  /** This process's identity as a lease holder. */
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Questions of one person in one chat, queued in this process before any storage work. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The record as this process last wrote it, and when: a hint that saves a read on warm turns. */
  private readonly lastWritten = new Map<string, Versioned<ConversationRecord> & { writtenAt: number }>();

  constructor(
    storage: StateStorage,
    private readonly now: Clock,
  ) {
    this.records = new ExpiringRecords(storage, 'conversation', RETENTION_MS.conversation, now);
  }

  async pointer(teamsConversationId: string, userKey: string): Promise<ConversationPointer | undefined> {
    return (await this.records.get(this.records.key(teamsConversationId, userKey)))?.pointer;
  }

  /** Start over: the next question opens a new Q conversation, even if a turn is still running. */
  async startOver(teamsConversationId: string, userKey: string): Promise<void> {
    const key = this.records.key(teamsConversationId, userKey);
    this.lastWritten.delete(key);
    await this.records.update(key, (current) => (current?.lease ? { generation: current.generation + 1, lease: current.lease } : REMOVE));
  }

  /**
   * Runs `task` as the person's next turn in this chat: after every earlier turn (on any instance)
   * has finished, with the pointer those left behind. The task's pointer is kept for the next turn.
   */
  run<T>(teamsConversationId: string, userKey: string, task: (pointer: ConversationPointer | undefined) => Promise<TurnResult<T>>): Promise<T> {
    const key = this.records.key(teamsConversationId, userKey);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.leased(key, task));
    this.queues.set(key, turn);
    void turn
      .finally(() => {
        if (this.queues.get(key) === turn) this.queues.delete(key);
      })
      .catch(() => undefined);
    return turn;
  }

  private async leased<T>(key: string, task: (pointer: ConversationPointer | undefined) => Promise<TurnResult<T>>): Promise<T> {
    let held = await this.acquire(key);
    const giveUpAt = Date.now() + MAX_TURN_MS;
    const renewal = setInterval(() => {
      if (Date.now() > giveUpAt) return clearInterval(renewal);
      void this.renew(key, held).then((renewed) => {
        if (renewed) held = renewed;
      });
    }, RENEW_EVERY_MS);
    renewal.unref();
    let result: TurnResult<T> | undefined;
    try {
      result = await task(held.value.pointer);
      return result.value;
    } finally {
      clearInterval(renewal);
      await this.release(key, held, result?.pointer);
    }
  }

  private async acquire(key: string): Promise<Versioned<ConversationRecord>> {
    let wait = WAIT_STEP_MS.first;
    let current = this.hint(key) ?? (await this.records.read(key));
    for (;;) {
      const now = this.now().getTime();
      const lease = current?.value.lease;
      if (lease && lease.until > now && lease.holder !== this.holder) {
        // Another instance is answering this person's previous question: wait for its pointer.
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, WAIT_STEP_MS.max);
        current = await this.records.read(key);
        continue;
      }
      const next: ConversationRecord = { ...(current?.value ?? { generation: 0 }), lease: { holder: this.holder, until: now + LEASE_MS } };
      const eTag = current ? await this.records.replace(key, next, current.eTag) : await this.records.claim(key, next);
      if (eTag) return { value: next, eTag };
      current = await this.records.read(key);
    }
  }

  private async renew(key: string, held: Versioned<ConversationRecord>): Promise<Versioned<ConversationRecord> | undefined> {
    const next: ConversationRecord = { ...held.value, lease: { holder: this.holder, until: this.now().getTime() + LEASE_MS } };
    const eTag = await this.records.replace(key, next, held.eTag).catch(() => undefined);
    return eTag ? { value: next, eTag } : undefined;
  }

  private async release(key: string, held: Versioned<ConversationRecord>, pointer: ConversationPointer | undefined): Promise<void> {
    const settle = (record: ConversationRecord): ConversationRecord => {
      // A /new during the turn bumped the generation: its fresh start wins over this turn's pointer.
      const keep = pointer === undefined || record.generation !== held.value.generation ? record.pointer : pointer;
      return { generation: record.generation, ...(keep ? { pointer: keep } : {}) };
    };
    const released = settle(held.value);
    const eTag = await this.records.replace(key, released, held.eTag);
    if (eTag) {
      this.remember(key, { value: released, eTag });
      return;
    }
    this.lastWritten.delete(key);
    const written = await this.records.update(key, (current) => {
      // Only this holder's lease is released; a lease taken over after ours lapsed is left alone.
      if (!current || current.lease?.holder !== this.holder) return UNCHANGED;
      return settle(current);
    });
    if (written) this.remember(key, written);
  }

  private remember(key: string, written: Versioned<ConversationRecord>): void {
    // Bounded: the hint only saves a read, so forgetting the oldest costs one read later.
    if (this.lastWritten.size >= MAX_REMEMBERED) this.lastWritten.delete(this.lastWritten.keys().next().value as string);
    this.lastWritten.delete(key);
    this.lastWritten.set(key, { ...written, writtenAt: this.now().getTime() });
  }

  /** A stale hint only costs a failed conditional write; an expired one must not revive the record. */
  private hint(key: string): Versioned<ConversationRecord> | undefined {
    const remembered = this.lastWritten.get(key);
    if (!remembered || this.now().getTime() - remembered.writtenAt >= RETENTION_MS.conversation) return undefined;
    return { value: remembered.value, eTag: remembered.eTag };
  }
}
