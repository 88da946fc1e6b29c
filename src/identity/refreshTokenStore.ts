/**
 * The only identity data that is persisted: each person's Identity Center refresh token,
 * encrypted with AES-256-GCM under TOKEN_STORE_KEY and bound to that person (their key is the
 * additional authenticated data), so a record copied to another person does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Storage } from 'botbuilder';

interface SealedRecord {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

export class RefreshTokenStore {
  constructor(
    private readonly storage: Storage,
    private readonly key: Buffer,
  ) {}

  async save(userKey: string, refreshToken: string): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(boundTo(userKey));
    const data = Buffer.concat([cipher.update(refreshToken, 'utf8'), cipher.final()]);
    const record: SealedRecord = { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    await this.storage.write({ [storageKey(userKey)]: { ...record, eTag: '*' } });
  }

  /** The person's refresh token, or undefined when there is none or it does not decrypt for them. */
  async read(userKey: string): Promise<string | undefined> {
    const key = storageKey(userKey);
    const record = (await this.storage.read([key]))[key] as SealedRecord | undefined;
    if (!record) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(record.iv, 'base64'));
      decipher.setAAD(boundTo(userKey));
      decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(record.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
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
