/** Questions that failed for a transient reason, so "Try again" can re-ask without the text in the card. */
import { RETENTION_MS } from '../../domain/retention';
import { ExpiringRecords, type Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export interface PendingQuestion {
  askerKey: string;
  question: string;
}

export class RetryStore {
  private readonly records: ExpiringRecords<PendingQuestion>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'retry', RETENTION_MS.retry, now);
  }

  remember(pending: PendingQuestion): Promise<string> {
    return this.records.putNew(pending);
  }

  /** The question, for its asker only and only once: others can neither use nor use up the key. */
  take(retryKey: string, askerKey: string): Promise<PendingQuestion | undefined> {
    return this.records.take(this.records.key(retryKey), (pending) => pending.askerKey === askerKey);
  }
}

