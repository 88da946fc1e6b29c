/**
 * Typed, expiring records of one kind on a `StateStorage`, with the optimistic-concurrency moves
 * every store of the bot is built from: read with the eTag, update by re-reading and re-applying
 * on conflict (bounded), claim (create-if-absent) and take (delete-if-unchanged). Expired records
 * read as absent and are removed then; the storage's sweep or lifecycle rule removes the rest.
 */
import { randomUUID } from 'node:crypto';
import type { StateStorage } from './stateStorage';

export type Clock = () => Date;

export interface Versioned<T> {
  value: T;
  eTag: string;
}

/** Returned by an update function to leave the record as it is. */
export const UNCHANGED = Symbol('unchanged');
/** Returned by an update function to delete the record. */
export const REMOVE = Symbol('remove');

const KEY_PREFIX = 'qteams';
/** Enough for dozens of writers racing on one record; each retry waits a little longer. */
const MAX_ATTEMPTS = 20;

export class ConcurrencyError extends Error {
  constructor(key: string, attempts = MAX_ATTEMPTS) {
    super(`Gave up updating "${key}" after ${attempts} conflicting writes`);
    this.name = 'ConcurrencyError';
  }
}

export class ExpiringRecords<T extends object> {
  constructor(
    readonly storage: StateStorage,
    private readonly kind: string,
    private readonly retentionMs: number,
    private readonly now: Clock,
  ) {}

  key(...parts: string[]): string {
    return [KEY_PREFIX, this.kind, ...parts.map(encodeURIComponent)].join('/');
  }

  async read(key: string): Promise<Versioned<T> | undefined> {
    const item = (await this.storage.read([key]))[key] as (T & { eTag: string; expiresAt?: number }) | undefined;
    if (!item) return undefined;
    const { eTag, expiresAt, ...value } = item;
    if (typeof expiresAt === 'number' && expiresAt <= this.now().getTime()) {
      await this.storage.deleteIf(key, eTag);
      return undefined;
    }
    return { value: value as unknown as T, eTag };
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.read(key))?.value;
  }

  /** Creates the record only if none (unexpired) exists: true when this caller won it. */
  async claim(key: string, value: T): Promise<string | undefined> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const eTag = await this.storage.create(key, this.stamped(value));
      if (eTag) return eTag;
      // Something is there; an expired record must not block a new claim.
      const existing = (await this.storage.read([key]))[key] as { eTag: string; expiresAt?: number } | undefined;
      if (existing && !(typeof existing.expiresAt === 'number' && existing.expiresAt <= this.now().getTime())) return undefined;
      if (existing) await this.storage.deleteIf(key, existing.eTag);
    }
    return undefined;
  }

  /** Replaces the record while it still has `eTag`; the new eTag, or undefined when it changed. */
  replace(key: string, value: T, eTag: string): Promise<string | undefined> {
    return this.storage.replace(key, this.stamped(value), eTag);
  }

  /** Stores a record under a new random key and returns that key (what a card carries). */
  async putNew(value: T): Promise<string> {
    const id = randomUUID();
    await this.put(this.key(id), value);
    return id;
  }

  /** Writes unconditionally (for records only one writer ever has, such as new random keys). */
  async put(key: string, value: T): Promise<void> {
    await this.storage.write({ [key]: { ...this.stamped(value), eTag: '*' } });
  }

  async delete(key: string): Promise<void> {
    await this.storage.delete([key]);
  }

  /**
   * Read, change, write back only if nobody wrote in between; otherwise read again and re-apply.
   * Returns the record as written (undefined when removed or absent and left so).
   */
  async update(key: string, change: (current: T | undefined) => T | typeof UNCHANGED | typeof REMOVE): Promise<Versioned<T> | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.read(key);
      const next = change(current?.value);
      if (next === UNCHANGED) return current;
      if (next === REMOVE) {
        if (!current || (await this.storage.deleteIf(key, current.eTag))) return undefined;
      } else {
        const eTag = current ? await this.replace(key, next, current.eTag) : await this.storage.create(key, this.stamped(next));
        if (eTag) return { value: next, eTag };
      }
      await backOff(attempt);
    }
    throw new ConcurrencyError(key);
  }

  /** Removes and returns the record if `accept` takes it; exactly one of several racing takers gets it. */
  async take(key: string, accept: (value: T) => boolean = () => true): Promise<T | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.read(key);
      if (!current || !accept(current.value)) return undefined;
      if (await this.storage.deleteIf(key, current.eTag)) return current.value;
      await backOff(attempt);
    }
    throw new ConcurrencyError(key);
  }

  private stamped(value: T): T & { expiresAt: number } {
    return { ...value, expiresAt: this.now().getTime() + this.retentionMs };
  }
}

/** A short, growing, jittered pause so racing writers stop colliding. */
export function backOff(attempt: number): Promise<void> {
  const ms = Math.min(5 * 2 ** attempt, 200) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
