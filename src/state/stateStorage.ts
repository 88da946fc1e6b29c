/**
 * The storage contract every piece of shared state is written through: botbuilder's `Storage`
 * (read / write / delete, eTags passed through to `ifMatch`) plus the conditional operations it
 * lacks and that every claim across instances needs: create-if-absent, replace-if-unchanged
 * (returning the new eTag, so a caller can keep working without another read) and
 * delete-if-unchanged.
 */
import type { Storage, StoreItem } from 'botbuilder';

export interface StateStorage extends Storage {
  /** Writes `item` only where nothing is stored under `key`; its new eTag, or undefined when something was. */
  create(key: string, item: object): Promise<string | undefined>;
  /** Replaces the item only while it still has `eTag`; its new eTag, or undefined when it changed or is gone. */
  replace(key: string, item: object, eTag: string): Promise<string | undefined>;
  /** Deletes the item only while it still has `eTag`; false when it changed or is gone. */
  deleteIf(key: string, eTag: string): Promise<boolean>;
  /** Stops background work (the memory store's sweep). */
  close(): Promise<void>;
}

/** What `read` returns for one key. */
export type StoredItem = StoreItem & { eTag: string };

/** botbuilder's own stores (MemoryStorage, BlobsStorage) report a lost race with this message. */
const ETAG_CONFLICT = /eTag conflict/i;

export function eTagConflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

export function isETagConflict(error: unknown): boolean {
  return error instanceof Error && ETAG_CONFLICT.test(error.message);
}

/**
 * Records may carry `expiresAt` (epoch ms) at the top level: stores that cannot expire items by
 * themselves (memory) sweep them; on Azure a blob lifecycle rule removes old blobs.
 */
export function expiresAtOf(item: unknown): number | undefined {
  const value = (item as { expiresAt?: unknown } | undefined)?.expiresAt;
  return typeof value === 'number' ? value : undefined;
}
