/**
 * When a search-command query reaches Q. Teams sends a query per keystroke and waits about 5 s for
 * each reply, so this policy, per person:
 *  - answers only a complete question: one ending in `?`, or one with no newer query from that
 *    person within a short pause (older queries are superseded and never reach Q);
 *  - keeps one Q request in flight (a repeat of that question waits for it; a newer question
 *    waits its turn and is asked as soon as the earlier one is done, if it is still the newest);
 *  - caches answers by (person, normalised question) for a few minutes;
 *  - replies "still working" when Q takes longer than the budget, and lets the answer land in the
 *    cache so the next query for the same question gets it at once.
 * It holds no Teams or Q types: the caller passes what to ask and gets an outcome to render. The
 * state is per process; on several instances a repeat may reach another one and ask Q again.
 */
import { LRUCache } from 'lru-cache';
import { DEFAULT_ANSWER_CACHE_MS, DEFAULT_QUERY_BUDGET_MS, DEFAULT_TYPING_PAUSE_MS } from './commands';
import { endsAsQuestion, normaliseQuestion } from './questionText';

/** Time as the policy sees it; tests pass a fake one. */
export interface PolicyClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: PolicyClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface QueryPolicyOptions<A> {
  clock?: PolicyClock;
  /** From the query's arrival to the reply, pause included. */
  budgetMs?: number;
  typingPauseMs?: number;
  cacheMs?: number;
  maxCachedAnswers?: number;
  /** Only answers worth repeating are cached (not a throttling message, say). */
  isCacheable?: (answer: A) => boolean;
}

export type QueryOutcome<A> =
  | { kind: 'answered'; answer: A; fromCache: boolean }
  /** Q is still answering; the answer will be in the cache for the next query. */
  | { kind: 'working' }
  /** The person typed on: a newer query of theirs arrived meanwhile. */
  | { kind: 'superseded' };

interface InFlight<A> {
  key: string;
  settled: Promise<A>;
  /** Resolves once the answer is cached and the flight is gone (whatever Q did). */
  done: Promise<void>;
}

interface Waiting<A> {
  key: string;
  number: number;
  ask: () => Promise<A>;
}

export class QueryPolicy<A extends object> {
  private readonly clock: PolicyClock;
  private readonly budgetMs: number;
  private readonly typingPauseMs: number;
  private readonly isCacheable: (answer: A) => boolean;
  private readonly answers: LRUCache<string, A>;
  /** The newest query's number per person: a query that is no longer the newest is superseded. */
  private readonly newest: LRUCache<string, number>;
  private readonly inFlight = new Map<string, InFlight<A>>();
  /** Per person, the newest complete question waiting for the flight ahead of it. */
  private readonly waiting = new Map<string, Waiting<A>>();
  /** Per person, how to release the queries held in a pause or waiting their turn. */
  private readonly wakers = new Map<string, Set<() => void>>();
  private sequence = 0;

  constructor(options: QueryPolicyOptions<A> = {}) {
    this.clock = options.clock ?? systemClock;
    this.budgetMs = options.budgetMs ?? DEFAULT_QUERY_BUDGET_MS;
    this.typingPauseMs = options.typingPauseMs ?? DEFAULT_TYPING_PAUSE_MS;
    this.isCacheable = options.isCacheable ?? (() => true);
    const perf = { now: () => this.clock.now() };
    const ttl = options.cacheMs ?? DEFAULT_ANSWER_CACHE_MS;
    this.answers = new LRUCache<string, A>({ max: options.maxCachedAnswers ?? 500, ttl, ttlAutopurge: false, perf });
    this.newest = new LRUCache<string, number>({ max: 10_000, ttl, perf });
  }

  /**
   * One query from `person` (a stable id of the asker) for `question` (already checked: not empty,
   * not too long). `ask` calls Q; it runs at most once per complete question.
   */
  async handle(person: string, question: string, ask: () => Promise<A>): Promise<QueryOutcome<A>> {
    const arrivedAt = this.clock.now();
    const number = ++this.sequence;
    this.newest.set(person, number);
    // Older queries of this person still held (pause, waiting their turn) are answered now:
    // clients cap open requests, and a held stale query would delay the newer ones.
    this.wakeHeld(person);
    const key = cacheKey(person, normaliseQuestion(question));

    const early = this.fromCacheOrFlight(person, key, arrivedAt);
    if (early) return early;

    if (!endsAsQuestion(question)) {
      await this.held(person, (wake) => this.withinMs(wake, this.typingPauseMs));
      if (this.newest.get(person) !== number) return { kind: 'superseded' };
      const afterPause = this.fromCacheOrFlight(person, key, arrivedAt);
      if (afterPause) return afterPause;
    }
    const ahead = this.inFlight.get(person);
    if (!ahead) return this.awaitWithin(this.start(person, key, ask), arrivedAt);

    // One Q request per person: wait for the one ahead; when it is done, the newest waiting
    // question is started (see start), even if this query's budget has run out by then.
    this.waiting.set(person, { key, number, ask });
    await this.held(person, (wake) => this.within(Promise.race([ahead.done, wake]), arrivedAt));
    const mine = this.fromCacheOrFlight(person, key, arrivedAt);
    if (mine) return mine;
    return this.newest.get(person) === number ? { kind: 'working' } : { kind: 'superseded' };
  }

  /** How many answers are cached now (for tests and telemetry). */
  get cachedAnswers(): number {
    this.answers.purgeStale();
    return this.answers.size;
  }

  private fromCacheOrFlight(person: string, key: string, arrivedAt: number): Promise<QueryOutcome<A>> | undefined {
    const cached = this.answers.get(key);
    if (cached) return Promise.resolve({ kind: 'answered', answer: cached, fromCache: true });
    const flight = this.inFlight.get(person);
    if (flight?.key === key) return this.awaitWithin(flight, arrivedAt);
    return undefined;
  }

  private start(person: string, key: string, ask: () => Promise<A>): InFlight<A> {
    const settled = Promise.resolve().then(ask);
    const done = settled
      .then(
        (answer) => {
          if (this.isCacheable(answer)) this.answers.set(key, answer);
        },
        () => undefined, // the query waiting on it reports the failure; nothing is cached
      )
      .then(() => {
        if (this.inFlight.get(person) === flight) this.inFlight.delete(person);
        this.startWaiting(person);
      });
    const flight: InFlight<A> = { key, settled, done };
    this.inFlight.set(person, flight);
    return flight;
  }

  /** The person's newest waiting question, if still the newest and not answered meanwhile. */
  private startWaiting(person: string): void {
    const next = this.waiting.get(person);
    this.waiting.delete(person);
    if (!next || this.inFlight.has(person) || this.newest.get(person) !== next.number || this.answers.has(next.key)) return;
    this.start(person, next.key, next.ask);
  }

  /** The answer if Q gives it within what is left of this query's budget; otherwise "working". */
  private async awaitWithin(flight: InFlight<A>, arrivedAt: number): Promise<QueryOutcome<A>> {
    const answer = await this.within(flight.settled, arrivedAt);
    return answer === TIME_UP ? { kind: 'working' } : { kind: 'answered', answer, fromCache: false };
  }

  /** `promise`'s value, or TIME_UP once this query's budget (from its arrival) is spent. */
  private within<T>(promise: Promise<T>, arrivedAt: number): Promise<T | typeof TIME_UP> {
    return this.withinMs(promise, this.budgetMs - (this.clock.now() - arrivedAt));
  }

  /** `promise`'s value, or TIME_UP after `left` ms. */
  private async withinMs<T>(promise: Promise<T>, left: number): Promise<T | typeof TIME_UP> {
    if (left <= 0) return TIME_UP;
    let handle: unknown;
    const timeUp = new Promise<typeof TIME_UP>((resolve) => {
      handle = this.clock.setTimeout(() => resolve(TIME_UP), left);
    });
    try {
      return await Promise.race([promise, timeUp]);
    } finally {
      this.clock.clearTimeout(handle);
    }
  }

  /** Runs `hold` with a promise that resolves when a newer query of this person arrives. */
  private async held<T>(person: string, hold: (wake: Promise<void>) => Promise<T>): Promise<T> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const wakers = this.wakers.get(person) ?? new Set<() => void>();
    wakers.add(wake);
    this.wakers.set(person, wakers);
    try {
      return await hold(woken);
    } finally {
      wakers.delete(wake);
      if (wakers.size === 0 && this.wakers.get(person) === wakers) this.wakers.delete(person);
    }
  }

  private wakeHeld(person: string): void {
    const wakers = this.wakers.get(person);
    if (!wakers) return;
    this.wakers.delete(person);
    for (const wake of wakers) wake();
  }
}

const TIME_UP = Symbol('timeUp');

/** The person's id and the question, unambiguous whatever either contains. */
function cacheKey(person: string, normalisedQuestion: string): string {
  return JSON.stringify([person, normalisedQuestion]);
}
