/**
 * Expert requests on the shared state store (Blob in production), by an opaque random key the
 * cards carry. Answering is a conditional write: of two experts (or two instances) answering at
 * once, exactly one answer is kept and the other is told who answered.
 */
import { randomUUID } from 'node:crypto';
import type { ExpertRequest } from '../../domain/experts';
import { RETENTION_MS } from '../../domain/retention';
import { ExpiringRecords, UNCHANGED, type Clock, type Versioned } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export type AnswerOutcome = { kind: 'answered'; request: ExpertRequest } | { kind: 'alreadyAnswered'; request: ExpertRequest } | { kind: 'notFound' };

export class ExpertRequestStore {
  private readonly records: ExpiringRecords<ExpertRequest>;

  constructor(storage: StateStorage, now: Clock) {
    this.records = new ExpiringRecords(storage, 'expertRequest', RETENTION_MS.expertRequest, now);
  }

  async open(request: ExpertRequest): Promise<string> {
    const key = randomUUID();
    await this.records.add(this.records.key(key), request);
    return key;
  }

  async read(key: string): Promise<ExpertRequest | undefined> {
    return (await this.records.read(this.records.key(key)))?.value;
  }

  /** Keeps `answer` unless the request already has one (read fresh: another instance may have answered). */
  async answer(key: string, answer: NonNullable<ExpertRequest['answer']>): Promise<AnswerOutcome> {
    let won = false;
    const written: Versioned<ExpertRequest> | undefined = await this.records.update(this.records.key(key), (current) => {
      won = false;
      if (!current || current.answer) return UNCHANGED;
      won = true;
      return { ...current, answer };
    });
    if (!written) return { kind: 'notFound' };
    return won ? { kind: 'answered', request: written.value } : { kind: 'alreadyAnswered', request: written.value };
  }

  /** The asker's one rating of the expert's answer; `rated`: this call wrote it (a repeat or a race writes nothing). */
  async rate(key: string, rating: 'up' | 'down'): Promise<{ request: ExpertRequest | undefined; rated: boolean }> {
    let rated = false;
    const written = await this.records.update(this.records.key(key), (current) => {
      rated = Boolean(current?.answer && !current.rating);
      return rated && current ? { ...current, rating } : UNCHANGED;
    });
    return { request: written?.value, rated };
  }
}
