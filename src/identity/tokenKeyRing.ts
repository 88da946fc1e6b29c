/**
 * The keys of the refresh-token store and their lifecycle. New records are sealed (AES-256-GCM)
 * with the current key and carry its key id; records sealed with an earlier key still open while
 * that key is listed among the previous keys (TOKEN_STORE_PREVIOUS_KEYS), so a rotation never
 * signs anyone out. A key id is derived from the key itself (a truncated SHA-256), so no name has to
 * be kept in step with the value in Key Vault. A record whose key is gone cannot open: that is
 * logged loudly with what to do, and the caller treats the person as signed out (they sign in again).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface SealedRecord {
  /** 2: carries `kid`. 1: written before key ids existed (sealed with the key current then). */
  v: 1 | 2;
  kid?: string;
  iv: string;
  tag: string;
  data: string;
}

export function tokenKeyId(key: Buffer): string {
  return createHash('sha256').update('qteams-token-store-key-id:').update(key).digest('hex').slice(0, 16);
}

export class TokenKeyRing {
  readonly currentKeyId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly current: Buffer,
    previous: Buffer[] = [],
    private readonly logger?: Pick<Logger, 'error'>,
  ) {
    this.currentKeyId = tokenKeyId(current);
    for (const key of [current, ...previous]) this.keys.set(tokenKeyId(key), key);
  }

  /** Seals with the current key; `boundTo` (e.g. the owner) must be given again to open. */
  seal(plaintext: string, boundTo: Buffer): SealedRecord {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    cipher.setAAD(boundTo);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { v: 2, kid: this.currentKeyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** The plaintext, or undefined when the record is not for `boundTo`, was tampered with, or its key is gone. */
  open(record: SealedRecord, boundTo: Buffer): string | undefined {
    if (record.v === 2) {
      const key = record.kid ? this.keys.get(record.kid) : undefined;
      if (!key) {
        this.logger?.error(
          { event: 'tokenStoreKey', outcome: 'keyMissing', recordKeyId: record.kid, knownKeyIds: [...this.keys.keys()] },
          'a stored sign-in was sealed with a token-store key this instance does not have, so that person must sign in again. ' +
            'If the key was rotated, add the old key to TOKEN_STORE_PREVIOUS_KEYS (on Azure: the Key Vault secret token-store-previous-keys) and restart; ' +
            'if it was lost, nothing can be recovered: people are asked to sign in once more.',
        );
        return undefined;
      }
      return decrypt(key, record, boundTo);
    }
    // Records from before key ids: try every key, the current one first.
    for (const key of this.keys.values()) {
      const plaintext = decrypt(key, record, boundTo);
      if (plaintext !== undefined) return plaintext;
    }
    return undefined;
  }
}

function decrypt(key: Buffer, record: SealedRecord, boundTo: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(record.iv, 'base64'));
    decipher.setAAD(boundTo);
    decipher.setAuthTag(Buffer.from(record.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(record.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
