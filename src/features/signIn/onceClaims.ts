/**
 * Work that must happen once across all instances (a token exchange Teams delivered to several):
 * the first to create the claim does it. Claims are hashed, so no token or id is stored.
 */
import { createHash } from 'node:crypto';
import { RETENTION_MS } from '../../domain/retention';
import { ExpiringRecords, type Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export class OnceClaims {
  private readonly records: ExpiringRecords<{ at: number }>;

  constructor(
    storage: StateStorage,
    private readonly now: Clock,
  ) {
    this.records = new ExpiringRecords(storage, 'claim', RETENTION_MS.exchangeClaim, now);
  }

  async claim(...parts: string[]): Promise<boolean> {
    const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
    return Boolean(await this.records.claim(this.records.key(digest), { at: this.now().getTime() }));
  }
}
