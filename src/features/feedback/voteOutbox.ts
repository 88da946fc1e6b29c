/**
 * Votes Q could not take yet, found again without another click: an index of pending answer keys
 * in the shared store (a few shards, so many votes during an outage don't all race on one record),
 * polled by every instance. Whoever polls first when a vote is due claims it (./votes) and sends it;
 * a restart loses nothing, since the vote and its schedule live in the store.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { errorForLog } from '../../errors';
import { ExpiringRecords, REMOVE, UNCHANGED, type Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';
import { RETENTION_MS } from '../../domain/retention';
import type { Votes, VoteState } from './votes';

interface OutboxShard {
  /** Answer key → when its vote is next due (epoch ms). */
  due: Record<string, number>;
}

const SHARDS = 4;
/** While this instance knows of pending votes it looks every second; otherwise now and then. */
const BUSY_POLL_MS = 1_000;
const IDLE_POLL_MS = 15_000;

/**
 * Where pending votes are listed, by when they are next due: written by ./votes when a vote must
 * wait, read by the outbox. Its own object so votes and outbox need not know each other.
 */
export class PendingVoteList {
  readonly shards: ExpiringRecords<OutboxShard>;
  /** Pending votes this instance knows of: while any, the outbox looks every second. */
  knownPending = 0;

  constructor(storage: StateStorage, now: Clock) {
    this.shards = new ExpiringRecords(storage, 'vote-outbox', RETENTION_MS.voteOutbox, now);
  }

  async schedule(answerKey: string, dueAt: number): Promise<void> {
    this.knownPending += 1;
    await this.shards.update(this.shardKey(answerKey), (current) => ({ due: { ...(current?.due ?? {}), [answerKey]: dueAt } }));
  }

  private shardKey(answerKey: string): string {
    const shard = createHash('sha256').update(answerKey).digest()[0] as number;
    return this.shards.key(String(shard % SHARDS));
  }
}

export interface VoteOutboxDependencies {
  list: PendingVoteList;
  /** Sends what is due. */
  votes: Pick<Votes, 'deliver'>;
  now: Clock;
  logger: Logger;
  /** Shows the outcome on the card, once a pending vote has landed or finally failed. */
  onSettled(answerKey: string, state: Exclude<VoteState, { state: 'pending' | 'gone' }>): Promise<void>;
}

export class VoteOutbox {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastFullPoll = 0;

  constructor(private readonly deps: VoteOutboxDependencies) {}

  /** Starts polling. */
  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.poll().finally(() => (this.running = undefined));
    }, BUSY_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: every due vote in every shard gets one attempt. */
  async poll(): Promise<void> {
    const { list } = this.deps;
    const now = this.deps.now().getTime();
    if (list.knownPending === 0 && now - this.lastFullPoll < IDLE_POLL_MS) return;
    this.lastFullPoll = now;
    let pending = 0;
    for (let shard = 0; shard < SHARDS; shard += 1) {
      const key = list.shards.key(String(shard));
      const due = (await list.shards.get(key).catch(() => undefined))?.due ?? {};
      for (const [answerKey, dueAt] of Object.entries(due)) {
        if (dueAt > now) {
          pending += 1;
          continue;
        }
        const outcome = await this.attempt(answerKey);
        if (outcome === 'pending') pending += 1;
        else await this.unlist(key, answerKey, dueAt);
      }
    }
    list.knownPending = pending;
  }

  private async attempt(answerKey: string): Promise<'pending' | 'done'> {
    try {
      const result = await this.deps.votes.deliver(answerKey);
      if (result === 'notDue' || result.state === 'pending') return 'pending';
      if (result.state !== 'gone') await this.deps.onSettled(answerKey, result);
      return 'done';
    } catch (error) {
      this.deps.logger.warn({ event: 'feedback', outcome: 'deliveryError', error: errorForLog(error, { stack: true }) }, 'pending vote not delivered this time');
      return 'pending';
    }
  }

  private async unlist(shardKey: string, answerKey: string, dueAt: number): Promise<void> {
    await this.deps.list.shards.update(shardKey, (current) => {
      // Rescheduled meanwhile (a new failure): keep the newer entry.
      if (!current || current.due[answerKey] !== dueAt) return UNCHANGED;
      const { [answerKey]: _done, ...rest } = current.due;
      return Object.keys(rest).length > 0 ? { due: rest } : REMOVE;
    });
  }
}
