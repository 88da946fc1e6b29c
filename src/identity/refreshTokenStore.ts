/**
 * The only identity data that is persisted: each person's Identity Center refresh token,
 * sealed with the token-store key ring (AES-256-GCM, key id in the record: see tokenKeyRing.ts)
 * and bound to that person (their key is the additional authenticated data), so a record copied
 * to another person does not decrypt.
 * The key ring may still be loading (envelope encryption unwraps its data key at start:
 * tokenStoreEnvelope.ts); every operation waits for it, and fails with its `kind` if it could not load.
 * Records are versioned (eTags): a rotation written by one instance is never overwritten by an
 * older token from another, and a renewal is claimed so two instances never redeem the same token.
 */
import type { StateStorage } from '../state/stateStorage';
import { TokenKeyRing, type SealedRecord } from './tokenKeyRing';

/** Set while one instance redeems the token (epoch ms): others wait for the rotated one. */
type StoredRecord = SealedRecord & { renewingUntil?: number };

/** A readable token with the version it was read at. */
export interface StoredRefreshToken {
  token: string;
  eTag: string;
  /** Another instance is redeeming it until then (epoch ms). */
  renewingUntil?: number;
}

export class RefreshTokenStore {
  private readonly keys: Promise<TokenKeyRing>;

  /** A single key is a ring without previous keys; a promise is a ring still loading. */
  constructor(
    private readonly storage: StateStorage,
    keys: TokenKeyRing | Buffer | Promise<TokenKeyRing>,
  ) {
    this.keys = keys instanceof Promise ? keys : Promise.resolve(keys instanceof TokenKeyRing ? keys : new TokenKeyRing(keys));
    // A failed load is reported by readiness and by each operation, never as an unhandled rejection.
    this.keys.catch(() => undefined);
  }

  /** Stores a token from a fresh sign-in: it replaces whatever the person had. */
  async save(userKey: string, refreshToken: string): Promise<void> {
    await this.storage.write({ [storageKey(userKey)]: { ...(await this.seal(userKey, refreshToken)), eTag: '*' } });
  }

  /** Stores a rotated token only if the record is still the one it was redeemed from (also ends the renewal claim). */
  async rotate(userKey: string, refreshToken: string, readETag: string): Promise<boolean> {
    return Boolean(await this.storage.replace(storageKey(userKey), await this.seal(userKey, refreshToken), readETag));
  }

  /** The person's refresh token, or undefined when there is none or it does not decrypt for them. */
  async read(userKey: string): Promise<StoredRefreshToken | undefined> {
    const key = storageKey(userKey);
    const record = (await this.storage.read([key]))[key] as (StoredRecord & { eTag: string }) | undefined;
    if (!record) return undefined;
    const token = (await this.keys).open(record, boundTo(userKey));
    if (token === undefined) return undefined;
    return { token, eTag: record.eTag, ...(record.renewingUntil ? { renewingUntil: record.renewingUntil } : {}) };
  }

  /** Marks the token as being redeemed by this instance; the new eTag, or undefined when another got there first. */
  async claimRenewal(userKey: string, stored: StoredRefreshToken, until: number): Promise<string | undefined> {
    const record: StoredRecord = { ...(await this.seal(userKey, stored.token)), renewingUntil: until };
    return this.storage.replace(storageKey(userKey), record, stored.eTag);
  }

  /** Forgets the token; with `eTag`, only if it is still that version (a newer rotation stays). */
  async delete(userKey: string, eTag?: string): Promise<void> {
    if (eTag) await this.storage.deleteIf(storageKey(userKey), eTag);
    else await this.storage.delete([storageKey(userKey)]);
  }

  private async seal(userKey: string, refreshToken: string): Promise<SealedRecord> {
    return (await this.keys).seal(refreshToken, boundTo(userKey));
  }
}

function storageKey(userKey: string): string {
  return `qteams/identity/refresh-token/${encodeURIComponent(userKey)}`;
}

function boundTo(userKey: string): Buffer {
  return Buffer.from(`qteams-refresh-token:${userKey}`, 'utf8');
}
