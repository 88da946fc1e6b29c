/**
 * The only identity data that is persisted: each person's Identity Center refresh token,
 * encrypted with AES-256-GCM under TOKEN_STORE_KEY and bound to that person (their key is the
 * additional authenticated data), so a record copied to another person does not decrypt.
 * Records are versioned (eTags): a rotation written by one instance is never overwritten by an
 * older token from another, and a renewal is claimed so two instances never redeem the same token.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StateStorage } from '../state/stateStorage';

interface SealedRecord {
  v: 1;
  iv: string;
  tag: string;
  data: string;
  /** Set while one instance redeems this token (epoch ms): others wait for the rotated one. */
  renewingUntil?: number;
}

/** A readable token with the version it was read at. */
export interface StoredRefreshToken {
  token: string;
  eTag: string;
  /** Another instance is redeeming it until then (epoch ms). */
  renewingUntil?: number;
}

export class RefreshTokenStore {
  constructor(
    private readonly storage: StateStorage,
    private readonly key: Buffer,
  ) {}

  /** Stores a token from a fresh sign-in: it replaces whatever the person had. */
  async save(userKey: string, refreshToken: string): Promise<void> {
    await this.storage.write({ [storageKey(userKey)]: { ...this.seal(userKey, refreshToken), eTag: '*' } });
  }

  /** Stores a rotated token only if the record is still the one it was redeemed from. */
  async rotate(userKey: string, refreshToken: string, readETag: string): Promise<boolean> {
    return Boolean(await this.storage.replace(storageKey(userKey), this.seal(userKey, refreshToken), readETag));
  }

  /** The person's refresh token, or undefined when there is none or it does not decrypt for them. */
  async read(userKey: string): Promise<StoredRefreshToken | undefined> {
    const key = storageKey(userKey);
    const record = (await this.storage.read([key]))[key] as (SealedRecord & { eTag: string }) | undefined;
    if (!record) return undefined;
    const token = this.open(userKey, record);
    if (token === undefined) return undefined;
    return { token, eTag: record.eTag, ...(record.renewingUntil ? { renewingUntil: record.renewingUntil } : {}) };
  }

  /** Marks the token as being redeemed by this instance; the new eTag, or undefined when another got there first. */
  async claimRenewal(userKey: string, stored: StoredRefreshToken, until: number): Promise<string | undefined> {
    const key = storageKey(userKey);
    return this.storage.replace(key, { ...this.seal(userKey, stored.token), renewingUntil: until }, stored.eTag);
  }

  /** Forgets the token; with `eTag`, only if it is still that version (a newer rotation stays). */
  async delete(userKey: string, eTag?: string): Promise<void> {
    if (eTag) await this.storage.deleteIf(storageKey(userKey), eTag);
    else await this.storage.delete([storageKey(userKey)]);
  }

  private seal(userKey: string, refreshToken: string): SealedRecord {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(boundTo(userKey));
    const data = Buffer.concat([cipher.update(refreshToken, 'utf8'), cipher.final()]);
    return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  private open(userKey: string, record: SealedRecord): string | undefined {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(record.iv, 'base64'));
      decipher.setAAD(boundTo(userKey));
      decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(record.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

function storageKey(userKey: string): string {
  return `qteams/identity/refresh-token/${encodeURIComponent(userKey)}`;
}

function boundTo(userKey: string): Buffer {
  return Buffer.from(`qteams-refresh-token:${userKey}`, 'utf8');
}
