/**
 * Typed, expiring records of one kind on a `StateStorage`, with the optimistic-concurrency moves
 * every store of the bot is built from: read with the eTag, update by re-reading and re-applying
 * on conflict (bounded), claim (create-if-absent) and take (delete-if-unchanged). Expired records
 * read as absent and are removed then; the storage's sweep or lifecycle rule removes the rest.
 *
 * Optionally a kind remembers the versions this instance last read or wrote (`remember`): an
 * update then writes against that version straight away, without reading first. Another instance
 * may have written since, so a remembered version is only ever a guess for a conditional write —
 * a stale one fails that write and the record is read — never a reason to leave a record alone.
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

export interface ExpiringRecordsOptions {
  /** How many versions this instance keeps of records it read or wrote (0: none, the default). */
  remember?: number;
}

interface Remembered<T> extends Versioned<T> {
  expiresAt: number;
}

export class ExpiringRecords<T extends object> {
  /** Oldest first (a Map keeps insertion order), bounded by `remember`. Values are never mutated. */
  private readonly versions = new Map<string, Remembered<T>>();
  private readonly remember: number;

  constructor(
    readonly storage: StateStorage,
    private readonly kind: string,
    private readonly retentionMs: number,
    private readonly now: Clock,
    options: ExpiringRecordsOptions = {},
  ) {
    this.remember = options.remember ?? 0;
  }

  key(...parts: string[]): string {
    return [KEY_PREFIX, this.kind, ...parts.map(encodeURIComponent)].join('/');
  }

  async read(key: string): Promise<Versioned<T> | undefined> {
    this.versions.delete(key);
    const item = (await this.storage.read([key]))[key] as (T & { eTag: string; expiresAt?: number }) | undefined;
    if (!item) return undefined;
    const { eTag, expiresAt, ...value } = item;
    if (typeof expiresAt === 'number' && expiresAt <= this.now().getTime()) {
      await this.storage.deleteIf(key, eTag);
      return undefined;
    }
    const read = { value: value as unknown as T, eTag };
    this.keep(key, read, typeof expiresAt === 'number' ? expiresAt : Infinity);
    return read;
  }

  /**
   * The version this instance last read or wrote, if it remembers one: possibly stale, so only a
   * base for a conditional write. Absent records and other instances' writes are not known here.
   */
  recall(key: string): Versioned<T> | undefined {
    const remembered = this.versions.get(key);
    if (!remembered) return undefined;
    if (remembered.expiresAt <= this.now().getTime()) {
      this.versions.delete(key);
      return undefined;
    }
    return { value: remembered.value, eTag: remembered.eTag };
  }


  async get(key: string): Promise<T | undefined> {
    return (await this.read(key))?.value;
  }

  /** Creates the record only if none (unexpired) exists: true when this caller won it. */
  async claim(key: string, value: T): Promise<string | undefined> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const stamped = this.stamped(value);
      const eTag = await this.storage.create(key, stamped);
      if (eTag) {
        this.keep(key, { value, eTag }, stamped.expiresAt);
        return eTag;
      }
      // Something is there; an expired record must not block a new claim.
      const existing = (await this.storage.read([key]))[key] as { eTag: string; expiresAt?: number } | undefined;
      if (existing && !(typeof existing.expiresAt === 'number' && existing.expiresAt <= this.now().getTime())) return undefined;
      if (existing) await this.storage.deleteIf(key, existing.eTag);
    }
    return undefined;
  }

  /** Replaces the record while it still has `eTag`; the new eTag, or undefined when it changed. */
  async replace(key: string, value: T, eTag: string): Promise<string | undefined> {
    const stamped = this.stamped(value);
    const written = await this.storage.replace(key, stamped, eTag);
    if (written) this.keep(key, { value, eTag: written }, stamped.expiresAt);
    else this.versions.delete(key);
    return written;
  }

  /** Stores a record under a new random key and returns that key (what a card carries). */
  async putNew(value: T): Promise<string> {
    const id = randomUUID();
    await this.put(this.key(id), value);
    return id;
  }

  /** Writes unconditionally (for records only one writer ever has, such as new random keys). */
  async put(key: string, value: T): Promise<void> {
    this.versions.delete(key);
    await this.storage.write({ [key]: { ...this.stamped(value), eTag: '*' } });
  }

  /**
   * Writes a record under a key nobody else has yet (a new random one), as a create, so the
   * version is known and remembered: the same one write as `put`.
   */
  async add(key: string, value: T): Promise<string> {
    const stamped = this.stamped(value);
    const eTag = await this.storage.create(key, stamped);
    if (!eTag) throw new ConcurrencyError(key, 1);
    this.keep(key, { value, eTag }, stamped.expiresAt);
    return eTag;
  }

  async delete(key: string): Promise<void> {
    this.versions.delete(key);
    await this.storage.delete([key]);
  }

  /**
   * Read, change, write back only if nobody wrote in between; otherwise read again and re-apply.
   * Starts from the remembered version when there is one (no read); a change that would leave the
   * record alone is checked against a fresh read first. Returns the record as written (undefined
   * when removed or absent and left so).
   */
  async update(key: string, change: (current: T | undefined) => T | typeof UNCHANGED | typeof REMOVE): Promise<Versioned<T> | undefined> {
    let current = this.recall(key);
    let guessed = current !== undefined;
    if (!guessed) current = await this.read(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const next = change(current?.value);
      if (next === UNCHANGED) {
        if (!guessed) return current;
      } else if (next === REMOVE) {
        // Absent is only ever known from a read (a guess is a version), so nothing is left to remove.
        if (!current) return undefined;
        if (await this.storage.deleteIf(key, current.eTag)) {
          this.versions.delete(key);
          return undefined;
        }
      } else {
        const eTag = current ? await this.replace(key, next, current.eTag) : await this.create(key, next);
        if (eTag) return { value: next, eTag };
      }
      // A lost race, or a guess that must be checked: a stale guess costs no pause.
      if (!guessed) await backOff(attempt);
      guessed = false;
      current = await this.read(key);
    }
    throw new ConcurrencyError(key);
  }

  /** Removes and returns the record if `accept` takes it; exactly one of several racing takers gets it. */
  async take(key: string, accept: (value: T) => boolean = () => true): Promise<T | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.read(key);
      if (!current || !accept(current.value)) return undefined;
      if (await this.storage.deleteIf(key, current.eTag)) {
        this.versions.delete(key);
        return current.value;
      }
      await backOff(attempt);
    }
    throw new ConcurrencyError(key);
  }

  private async create(key: string, value: T): Promise<string | undefined> {
    const stamped = this.stamped(value);
    const eTag = await this.storage.create(key, stamped);
    if (eTag) this.keep(key, { value, eTag }, stamped.expiresAt);
    return eTag;
  }

  private keep(key: string, version: Versioned<T>, expiresAt: number): void {
    if (this.remember === 0) return;
    this.versions.delete(key);
    // Forgetting the oldest only costs one read later.
    if (this.versions.size >= this.remember) this.versions.delete(this.versions.keys().next().value as string);
    this.versions.set(key, { ...version, expiresAt });
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
