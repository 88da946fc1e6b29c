/** Thread context kept under concurrency: messages arriving at once are all kept (memory and Azurite share the contract). */
import assert from 'node:assert/strict';
import { ThreadContextStore } from '../../src/features/threadContext/threadContext';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';

describe('thread context store', () => {
  it('keeps every message when many arrive at once (no lost update)', async () => {
    const store = new ThreadContextStore(new MemoryStateStorage({ sweepIntervalMs: 0 }), 7 * 24 * 3600_000, () => new Date());
    const thread = '19:general@thread.tacv2;messageid=1';
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        store.record({ id: `m${index}`, text: `message ${index}`, conversation: { id: thread } as never, from: { id: 'u', name: 'Ada' } as never }),
      ),
    );
    const kept = await store.recent(thread);
    assert.deepEqual(kept.map((message) => message.id).sort(), Array.from({ length: 12 }, (_, index) => `m${index}`).sort());
  });
});
