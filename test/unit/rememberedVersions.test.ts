/**
 * Records that remember the version this instance last read or wrote: an update writes against it
 * without reading first, and a stale one (another instance wrote since) never loses an update or
 * keeps a record unchanged on old information. Two `ExpiringRecords` on one store play two instances.
 */
import assert from 'node:assert/strict';
import { ExpiringRecords, REMOVE, UNCHANGED } from '../../src/state/expiringRecords';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';
import type { StateStorage } from '../../src/state/stateStorage';

/** The store, with every call counted by name. */
function counted(storage: StateStorage): { storage: StateStorage; calls: Record<string, number>; reset(): void } {
  const calls: Record<string, number> = {};
  const count = <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    calls[name] = (calls[name] ?? 0) + 1;
    return run(...args);
  };
  return {
    storage: {
      read: count('read', (keys) => storage.read(keys)),
      write: count('write', (changes) => storage.write(changes)),
      delete: count('delete', (keys) => storage.delete(keys)),
      create: count('create', (key, item) => storage.create(key, item)),
      replace: count('replace', (key, item, eTag) => storage.replace(key, item, eTag)),
      deleteIf: count('deleteIf', (key, eTag) => storage.deleteIf(key, eTag)),
      close: () => storage.close(),
    },
    calls,
    reset: () => Object.keys(calls).forEach((name) => delete calls[name]),
  };
}

describe('expiring records that remember their versions', () => {
  let clock = Date.now();
  const now = () => new Date(clock);
  let shared: MemoryStateStorage;
  let first: ReturnType<typeof counted>;
  let second: ReturnType<typeof counted>;
  let a: ExpiringRecords<{ n: number; by?: string }>;
  let b: ExpiringRecords<{ n: number; by?: string }>;

  beforeEach(() => {
    clock = Date.now();
    shared = new MemoryStateStorage({ sweepIntervalMs: 0 });
    first = counted(shared);
    second = counted(shared);
    a = new ExpiringRecords(first.storage, 'counter', 60_000, now, { remember: 100 });
    b = new ExpiringRecords(second.storage, 'counter', 60_000, now, { remember: 100 });
  });

  it('updates what it wrote itself with one conditional write and no read', async () => {
    const key = a.key('k');
    await a.add(key, { n: 1 });
    first.reset();
    const written = await a.update(key, (current) => ({ n: (current?.n ?? 0) + 1 }));
    assert.equal(written?.value.n, 2);
    assert.deepEqual(first.calls, { replace: 1 });
    assert.equal((await b.get(key))?.n, 2);
  });

  it('a version another instance made stale costs one refused write and one read, and loses nothing', async () => {
    const key = a.key('k');
    await a.add(key, { n: 1 });
    await b.update(key, (current) => ({ n: (current?.n ?? 0) + 10, by: 'b' }));
    first.reset();
    const written = await a.update(key, (current) => ({ n: (current?.n ?? 0) + 1, by: 'a' }));
    assert.equal(written?.value.n, 12);
    assert.deepEqual(first.calls, { replace: 2, read: 1 });
    assert.deepEqual((await b.read(key))?.value, { n: 12, by: 'a' });
  });

  it('never leaves a record alone on a remembered version: "unchanged" is checked against the store', async () => {
    const key = a.key('k');
    await a.add(key, { n: 1 });
    await b.update(key, () => ({ n: 5 }));
    // On a's old version n is 1 (nothing to do); the store says 5, so a's change applies.
    const written = await a.update(key, (current) => (current?.n === 1 ? UNCHANGED : { n: (current?.n ?? 0) * 2 }));
    assert.equal(written?.value.n, 10);
    assert.equal((await b.get(key))?.n, 10);
  });

  it('removes only the version it has seen, and forgets what it removed', async () => {
    const key = a.key('k');
    await a.add(key, { n: 1 });
    await b.update(key, () => ({ n: 2 }));
    assert.equal(await a.update(key, (current) => (current?.n === 2 ? REMOVE : UNCHANGED)), undefined);
    assert.equal(await b.get(key), undefined);
    assert.equal(a.recall(key), undefined);
    assert.equal((await a.update(key, (current) => ({ n: (current?.n ?? 0) + 1 })))?.value.n, 1, 'created again from nothing');
  });

  it('two instances racing 20 increments each on remembered versions: none lost', async () => {
    const key = a.key('race');
    await a.add(key, { n: 0 });
    await b.read(key);
    const bump = (records: typeof a) => records.update(key, (current) => ({ n: (current?.n ?? 0) + 1 }));
    await Promise.all(Array.from({ length: 40 }, (_, index) => bump(index % 2 === 0 ? a : b)));
    assert.equal((await a.read(key))?.value.n, 40);
  });

  it('forgets expired versions and keeps at most `remember` of them', async () => {
    const few = new ExpiringRecords<{ n: number }>(first.storage, 'few', 1_000, now, { remember: 2 });
    for (const name of ['x', 'y', 'z']) await few.add(few.key(name), { n: 1 });
    assert.equal(few.recall(few.key('x')), undefined, 'the oldest was dropped');
    assert.ok(few.recall(few.key('z')));
    clock += 1_001;
    assert.equal(few.recall(few.key('z')), undefined, 'an expired version is not offered');
    assert.equal(new ExpiringRecords<{ n: number }>(first.storage, 'none', 1_000, now).recall(few.key('z')), undefined, 'remembering is opt-in');
  });
});
