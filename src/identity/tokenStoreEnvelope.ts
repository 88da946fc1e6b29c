/**
 * Envelope encryption of the refresh-token store: the data key that seals stored sign-ins
 * (AES-256-GCM, tokenKeyRing.ts) is kept only wrapped by a Key Vault key (RSA-OAEP-256), in the
 * state store next to the records it protects. At start the bot's managed identity unwraps it
 * (Key Vault Crypto User on that key only); no key material is ever in a setting or a secret.
 *
 * - First start: a new data key is made and wrapped — or, when TOKEN_STORE_KEY (and
 *   TOKEN_STORE_PREVIOUS_KEYS) are still set, those keys are adopted, so every stored sign-in stays
 *   readable; after that the two settings can be removed (operating guide, "Token-store key").
 * - Key Vault key rotation: each data key wrapped by an older key version is re-wrapped with the
 *   current one; the data keys themselves do not change, so nothing stored is lost.
 * - Two instances starting together: the record is created once (create-if-absent); the loser
 *   reads the winner's.
 * A data key that cannot be unwrapped (role missing, key disabled, vault unreachable) fails the
 * load with `kind`, which readiness reports and the log names with what to do.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { StateStorage } from '../state/stateStorage';
import { tokenKeyId, TokenKeyRing } from './tokenKeyRing';

/** What wraps and unwraps data keys (Key Vault in production: keyVaultKeyWrapping.ts). */
export interface DataKeyWrapping {
  /** The current version of the wrapping key (its full id). */
  currentKeyVersion(): Promise<string>;
  wrap(keyVersion: string, dataKey: Buffer): Promise<string>;
  unwrap(keyVersion: string, wrapped: string): Promise<Buffer>;
}

/** One wrapped data key as stored: never the key itself. */
export interface WrappedDataKey {
  /** tokenKeyId of the data key: what sealed records name. */
  kid: string;
  /** The Key Vault key version that wrapped it. */
  wrappedBy: string;
  /** base64 of the wrapped bytes. */
  wrapped: string;
}

interface DataKeysRecord {
  v: 1;
  /** The current data key first, then earlier ones (still read). */
  keys: WrappedDataKey[];
}

export const DATA_KEYS_STORAGE_KEY = 'qteams/identity/token-store-data-keys';

export class TokenStoreKeyError extends Error {
  readonly kind = 'tokenStoreKeyUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenStoreKeyError';
  }
}

export interface EnvelopeOptions {
  storage: Pick<StateStorage, 'read' | 'create' | 'replace'>;
  wrapping: DataKeyWrapping;
  /** TOKEN_STORE_KEY and TOKEN_STORE_PREVIOUS_KEYS of a deployment from before envelope encryption. */
  legacyKeys?: { current?: Buffer; previous: Buffer[] };
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Loads (or on first start creates) the data keys and returns the key ring that seals records. */
export async function loadEnvelopedKeyRing(options: EnvelopeOptions): Promise<TokenKeyRing> {
  const { storage, wrapping, logger } = options;
  const current = await step('read the current Key Vault key version', () => wrapping.currentKeyVersion());
  let stored = await readRecord(storage);
  if (!stored) {
    stored = await createRecord(options, current);
  }
  const { record, eTag } = stored;
  const dataKeys: Buffer[] = [];
  for (const entry of record.keys) {
    const key = await step(`unwrap the data key ${entry.kid} (wrapped by ${entry.wrappedBy})`, () => wrapping.unwrap(entry.wrappedBy, entry.wrapped));
    if (tokenKeyId(key) !== entry.kid) throw new TokenStoreKeyError(`the data key unwrapped from ${entry.wrappedBy} is not ${entry.kid}: the stored record was altered.`);
    dataKeys.push(key);
  }
  // Rotation of the Key Vault key: re-wrap with the current version, data keys unchanged.
  if (record.keys.some((entry) => entry.wrappedBy !== current)) {
    const rewrapped: DataKeysRecord = { v: 1, keys: await Promise.all(record.keys.map(async (entry, index) => (entry.wrappedBy === current ? entry : { ...entry, wrappedBy: current, wrapped: await step('re-wrap a data key', () => wrapping.wrap(current, dataKeys[index] as Buffer)) }))) };
    const written = await storage.replace(DATA_KEYS_STORAGE_KEY, rewrapped, eTag);
    logger.info({ event: 'tokenStoreKey', outcome: written ? 'rewrapped' : 'rewrapRaced', keyVersion: current, dataKeys: record.keys.length }, written ? 'token-store data keys re-wrapped with the current Key Vault key version' : 'another instance re-wrapped the token-store data keys first');
  }
  const [first, ...rest] = dataKeys;
  // Legacy keys not adopted into the record (set again after the record was made) still open old records.
  const legacy = [options.legacyKeys?.current, ...(options.legacyKeys?.previous ?? [])].filter((key): key is Buffer => Boolean(key) && !record.keys.some((entry) => entry.kid === tokenKeyId(key as Buffer)));
  logger.info({ event: 'tokenStoreKey', outcome: 'loaded', keyVersion: current, currentKeyId: tokenKeyId(first as Buffer), dataKeys: dataKeys.length }, 'token-store data key unwrapped with the Key Vault key');
  return new TokenKeyRing(first as Buffer, [...rest, ...legacy], logger);
}

async function readRecord(storage: EnvelopeOptions['storage']): Promise<{ record: DataKeysRecord; eTag: string } | undefined> {
  const item = (await storage.read([DATA_KEYS_STORAGE_KEY]))[DATA_KEYS_STORAGE_KEY] as (DataKeysRecord & { eTag: string }) | undefined;
  if (!item) return undefined;
  if (item.v !== 1 || !Array.isArray(item.keys) || item.keys.length === 0) throw new TokenStoreKeyError(`${DATA_KEYS_STORAGE_KEY} in the state store is not a data-key record this version understands.`);
  return { record: { v: 1, keys: item.keys }, eTag: item.eTag };
}

async function createRecord(options: EnvelopeOptions, current: string): Promise<{ record: DataKeysRecord; eTag: string }> {
  const { storage, wrapping, logger, legacyKeys } = options;
  const adopted = legacyKeys?.current ? [legacyKeys.current, ...legacyKeys.previous] : [];
  const dataKeys = adopted.length > 0 ? adopted : [randomBytes(32)];
  const record: DataKeysRecord = { v: 1, keys: await Promise.all(dataKeys.map(async (key) => ({ kid: tokenKeyId(key), wrappedBy: current, wrapped: await step('wrap the data key', () => wrapping.wrap(current, key)) }))) };
  const eTag = await storage.create(DATA_KEYS_STORAGE_KEY, record);
  if (eTag) {
    logger.info(
      { event: 'tokenStoreKey', outcome: adopted.length > 0 ? 'migrated' : 'created', keyVersion: current, dataKeys: record.keys.length },
      adopted.length > 0 ? 'TOKEN_STORE_KEY (and previous keys) adopted as token-store data keys, now wrapped by the Key Vault key: TOKEN_STORE_KEY and TOKEN_STORE_PREVIOUS_KEYS can be removed' : 'new token-store data key created, wrapped by the Key Vault key',
    );
    return { record, eTag };
  }
  // Another instance created it first: use theirs.
  const theirs = await readRecord(storage);
  if (!theirs) throw new TokenStoreKeyError(`${DATA_KEYS_STORAGE_KEY} could be neither created nor read.`);
  return theirs;
}

async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TokenStoreKeyError) throw error;
    const detail = `${(error as { code?: string }).code ?? (error as Error).name ?? 'Error'}: ${String((error as Error).message ?? error).split('\n')[0]?.slice(0, 300)}`;
    throw new TokenStoreKeyError(`could not ${what}: ${detail}`, { cause: error });
  }
}
