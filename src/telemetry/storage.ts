/**
 * Bot state storage with a span per read, write and delete. Only counts are recorded: keys are
 * hashes and ids of people and conversations, and stay out of telemetry.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { inClientSpan } from './spans';

/** `system` names the backing store in telemetry, e.g. "azure-blob" or "memory". */
export function tracedStorage(storage: Storage, system: string): Storage {
  const attributes = (operation: string, keys: number) => ({ 'db.system': system, 'db.operation': operation, 'qteams.storage.keys': keys });
  return {
    read: (keys: string[]) =>
      inClientSpan(`storage.read`, attributes('read', keys.length), async (span) => {
        const items: StoreItems = await storage.read(keys);
        span.setAttribute('qteams.storage.found', Object.keys(items).length);
        return items;
      }),
    write: (changes: StoreItems) => inClientSpan('storage.write', attributes('write', Object.keys(changes).length), () => storage.write(changes)),
    delete: (keys: string[]) => inClientSpan('storage.delete', attributes('delete', keys.length), () => storage.delete(keys)),
  };
}
