/**
 * In-memory `StateStorage` for one process (the playground's default and the unit of the contract
 * suite): items are kept as JSON so callers never share objects, every write gets a new eTag, and
 * expired records are swept on a timer instead of waiting to be read again.
 */
import { eTagConflict, expiresAtOf, wantedETag, withoutETag, type StateStorage, type StoredItems } from './stateStorage';

interface Entry {
  json: string;
  eTag: string;
  expiresAt?: number;
}

export interface MemoryStateStorageOptions {
  now?: () => number;
  /** How often expired records are removed; 0 turns the timer off (call `sweep()` yourself). */
  sweepIntervalMs?: number;
}

export class MemoryStateStorage implements StateStorage {
  private readonly entries = new Map<string, Entry>();
  private version = 0;
  private readonly now: () => number;
  private readonly sweeper?: NodeJS.Timeout;

  constructor(options: MemoryStateStorageOptions = {}) {
    this.now = options.now ?? Date.now;
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.sweeper = setInterval(() => this.sweep(), interval);
      this.sweeper.unref();
    }
  }

  async read(keys: string[]): Promise<StoredItems> {
    const items: StoredItems = {};
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) items[key] = { ...JSON.parse(entry.json), eTag: entry.eTag };
    }
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    // All or nothing: every condition is checked before anything is written.
    for (const [key, change] of Object.entries(changes)) {
      const wanted = wantedETag(change);
      if (wanted !== undefined && this.entries.get(key)?.eTag !== wanted) throw eTagConflict(key);
    }
    for (const [key, change] of Object.entries(changes)) this.put(key, change);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async create(key: string, item: object): Promise<string | undefined> {
    if (this.entries.has(key)) return undefined;
    return this.put(key, item);
  }

  async replace(key: string, item: object, eTag: string): Promise<string | undefined> {
    if (this.entries.get(key)?.eTag !== eTag) return undefined;
    return this.put(key, item);
  }

  async deleteIf(key: string, eTag: string): Promise<boolean> {
    if (this.entries.get(key)?.eTag !== eTag) return false;
    this.entries.delete(key);
    return true;
  }

  /** Removes every record whose `expiresAt` has passed; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  /** How many records are held (for the sweep's tests and the bench). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private put(key: string, item: object): string {
    const value = withoutETag(item);
    this.version += 1;
    const eTag = `"m${this.version}"`;
    const expiresAt = expiresAtOf(value);
    this.entries.set(key, { json: JSON.stringify(value), eTag, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    return eTag;
  }
}
