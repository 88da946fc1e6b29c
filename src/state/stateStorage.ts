/**
 * The storage contract every piece of shared state is written through, ours rather than an SDK's:
 * read / write / delete by key (an item's `eTag` on write means "only while it is still this
 * version", `"*"` or none means unconditionally — the semantics Bot Framework stores used, so
 * existing records and callers carry over) plus the conditional operations every claim across
 * instances needs: create-if-absent, replace-if-unchanged (returning the new eTag, so a caller can
 * keep working without another read) and delete-if-unchanged.
 */

/** One stored record: its own fields, and on read the version (`eTag`) it was read at. */
export interface StoredItem {
  eTag?: string;
  [field: string]: unknown;
}

export type StoredItems = Record<string, StoredItem>;

export interface StateStorage {
  /** The items found under `keys` (absent keys are left out), each with its eTag. */
  read(keys: string[]): Promise<StoredItems>;
  /** Writes every item; one whose `eTag` no longer matches fails with an eTag conflict. */
  write(changes: StoredItems): Promise<void>;
  /** Deletes unconditionally; missing keys are not an error. */
  delete(keys: string[]): Promise<void>;
  /** Writes `item` only where nothing is stored under `key`; its new eTag, or undefined when something was. */
  create(key: string, item: object): Promise<string | undefined>;
  /** Replaces the item only while it still has `eTag`; its new eTag, or undefined when it changed or is gone. */
  replace(key: string, item: object, eTag: string): Promise<string | undefined>;
  /** Deletes the item only while it still has `eTag`; false when it changed or is gone. */
  deleteIf(key: string, eTag: string): Promise<boolean>;
  /** Stops background work (the memory store's sweep). */
  close(): Promise<void>;
}

/** A write lost to a newer version: `kind` for callers, and the message Bot Framework stores used. */
export class ETagConflictError extends Error {
  readonly kind = 'eTagConflict';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

const ETAG_CONFLICT = /eTag conflict/i;

export function eTagConflict(key: string): Error {
  return new ETagConflictError(key);
}

/** True for our conflict and for one reported by a Bot Framework store (same message). */
export function isETagConflict(error: unknown): boolean {
  return error instanceof ETagConflictError || (error instanceof Error && ETAG_CONFLICT.test(error.message));
}

/** The `If-Match` a write asks for: none for a missing, empty or "*" eTag (unconditional). */
export function wantedETag(item: StoredItem): string | undefined {
  const eTag = item.eTag;
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? eTag : undefined;
}

/** The item without its eTag: what is stored. */
export function withoutETag(item: object): object {
  const { eTag: _version, ...value } = item as { eTag?: unknown };
  return value;
}

/**
 * Records may carry `expiresAt` (epoch ms) at the top level: stores that cannot expire items by
 * themselves (memory) sweep them; on Azure a blob lifecycle rule removes old blobs.
 */
export function expiresAtOf(item: unknown): number | undefined {
  const value = (item as { expiresAt?: unknown } | undefined)?.expiresAt;
  return typeof value === 'number' ? value : undefined;
}
