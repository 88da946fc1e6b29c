/**
 * Shared state with a span per storage call (read, write, delete and the conditional create,
 * replace and delete that claims rest on). Only counts and outcomes are recorded: keys are hashes
 * and ids of people and conversations, and stay out of telemetry.
 */
import type { StateStorage } from '../state/stateStorage';
import { inClientSpan } from './spans';

/** `system` names the backing store in telemetry, e.g. "azure-blob" or "memory". */
export function tracedStorage(storage: StateStorage, system: string): StateStorage {
  const attributes = (operation: string, keys: number) => ({ 'db.system': system, 'db.operation': operation, 'qteams.storage.keys': keys });
  /** Conditional writes: whether this caller won is what an operator wants to see (lost races are normal). */
  const conditional = <T>(operation: string, run: () => Promise<T>) =>
    inClientSpan(`storage.${operation}`, attributes(operation, 1), async (span) => {
      const result = await run();
      span.setAttribute('qteams.storage.won', Boolean(result));
      return result;
    });
  return {
    read: (keys: string[]) =>
      inClientSpan('storage.read', attributes('read', keys.length), async (span) => {
        const items = await storage.read(keys);
        span.setAttribute('qteams.storage.found', Object.keys(items).length);
        return items;
      }),
    write: (changes: Parameters<StateStorage['write']>[0]) => inClientSpan('storage.write', attributes('write', Object.keys(changes).length), () => storage.write(changes)),
    delete: (keys: string[]) => inClientSpan('storage.delete', attributes('delete', keys.length), () => storage.delete(keys)),
    create: (key, item) => conditional('create', () => storage.create(key, item)),
    replace: (key, item, eTag) => conditional('replace', () => storage.replace(key, item, eTag)),
    deleteIf: (key, eTag) => conditional('deleteIf', () => storage.deleteIf(key, eTag)),
    close: () => storage.close(),
  };
}
