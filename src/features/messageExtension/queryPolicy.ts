/**
 * When a search-command query reaches Q. Teams sends a query per keystroke and waits about 5 s for
 * each reply, so this policy, per person:
 *  - answers only a complete question: one ending in `?`, or one with no newer query from that
 *    person within a short pause (older queries are superseded and never reach Q);
 *  - keeps one Q request in flight (a repeat of that question waits for it; another question is
 *    told the first is still being answered);
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
  /** The person typed on: a newer query of theirs arrived during the pause. */
  | { kind: 'superseded' }
  /** Another question of this person is still with Q. */
  | { kind: 'busy' };

interface InFlight<A> {
  key: string;
  settled: Promise<A>;
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
    const key = cacheKey(person, normaliseQuestion(question));

    const early = this.fromCacheOrFlight(person, key, arrivedAt);
    if (early) return early;

    if (!endsAsQuestion(question)) {
      await this.wait(this.typingPauseMs);
      if (this.newest.get(person) !== number) return { kind: 'superseded' };
      const afterPause = this.fromCacheOrFlight(person, key, arrivedAt);
      if (afterPause) return afterPause;
    }
    if (this.inFlight.has(person)) return { kind: 'busy' };

    const flight = this.start(person, key, ask);
    return this.awaitWithin(flight, arrivedAt);
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
    const flight: InFlight<A> = { key, settled };
    this.inFlight.set(person, flight);
    settled.then(
      (answer) => {
        if (this.isCacheable(answer)) this.answers.set(key, answer);
      },
      () => undefined, // the query waiting on it reports the failure; nothing is cached
    ).finally(() => {
      if (this.inFlight.get(person) === flight) this.inFlight.delete(person);
    });
    return flight;
  }

  /** The answer if Q gives it within what is left of this query's budget; otherwise "working". */
  private async awaitWithin(flight: InFlight<A>, arrivedAt: number): Promise<QueryOutcome<A>> {
    const left = this.budgetMs - (this.clock.now() - arrivedAt);
    if (left <= 0) return { kind: 'working' };
    let handle: unknown;
    const timeUp = new Promise<'timeUp'>((resolve) => {
      handle = this.clock.setTimeout(() => resolve('timeUp'), left);
    });
    try {
      const first = await Promise.race([flight.settled, timeUp]);
      if (first === 'timeUp') return { kind: 'working' };
      return { kind: 'answered', answer: first, fromCache: false };
    } finally {
      this.clock.clearTimeout(handle);
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.clock.setTimeout(resolve, ms);
    });
  }
}

/** The person's id and the question, unambiguous whatever either contains. */
function cacheKey(person: string, normalisedQuestion: string): string {
  return JSON.stringify([person, normalisedQuestion]);
}
