/**
 * The only identity data that is persisted: each person's Identity Center refresh token,
 * sealed with the token-store key ring (AES-256-GCM, key id in the record: see tokenKeyRing.ts)
 * and bound to that person (their key is the additional authenticated data), so a record copied
 * to another person does not decrypt.
 */
import type { Storage } from 'botbuilder';
import { TokenKeyRing, type SealedRecord } from './tokenKeyRing';

export class RefreshTokenStore {
  private readonly keys: TokenKeyRing;

  /** A single key is a ring without previous keys. */
  constructor(
    private readonly storage: Storage,
    keys: TokenKeyRing | Buffer,
  ) {
    this.keys = keys instanceof TokenKeyRing ? keys : new TokenKeyRing(keys);
  }

  async save(userKey: string, refreshToken: string): Promise<void> {
    const record = this.keys.seal(refreshToken, boundTo(userKey));
    await this.storage.write({ [storageKey(userKey)]: { ...record, eTag: '*' } });
  }

  /** The person's refresh token, or undefined when there is none or it does not decrypt for them. */
  async read(userKey: string): Promise<string | undefined> {
    const key = storageKey(userKey);
    const record = (await this.storage.read([key]))[key] as SealedRecord | undefined;
    if (!record) return undefined;
    return this.keys.open(record, boundTo(userKey));
  }

  async delete(userKey: string): Promise<void> {
    await this.storage.delete([storageKey(userKey)]);
  }
}

function storageKey(userKey: string): string {
  return `qteams/identity/refresh-token/${encodeURIComponent(userKey)}`;
}

function boundTo(userKey: string): Buffer {
  return Buffer.from(`qteams-refresh-token:${userKey}`, 'utf8');
}
