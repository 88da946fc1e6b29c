/**
 * One person's questions in one chat take turns across instances (two ConversationTurns on one
 * store, as two processes would be): a later turn waits for the earlier one's pointer, a lease
 * left by a dead instance lapses, and /new during a turn wins over that turn's pointer.
 */
import assert from 'node:assert/strict';
import { ConversationTurns } from '../../src/features/answering/conversationTurns';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';

const CHAT = 'a:personal-ada';

describe('conversation turns', () => {
  let clock = Date.now();
  const now = () => new Date(clock);
  let storage: MemoryStateStorage;
  beforeEach(() => {
    clock = Date.now();
    storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
  });

  it('a turn on another instance waits for the earlier one and continues from its answer', async () => {
    const [first, second] = [new ConversationTurns(storage, now), new ConversationTurns(storage, now)];
    let finishFirst!: () => void;
    const firstTurn = first.run(CHAT, 'ada', async (pointer) => {
      assert.equal(pointer, undefined);
      await new Promise<void>((resolve) => (finishFirst = resolve));
      return { value: 'one', pointer: { conversationId: 'c1', parentMessageId: 's1' } };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let seen: unknown;
    const secondTurn = second.run(CHAT, 'ada', async (pointer) => {
      seen = pointer;
      return { value: 'two', pointer: { conversationId: 'c1', parentMessageId: 's2' } };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(seen, undefined, 'the second turn has not started');
    finishFirst();
    assert.deepEqual(await Promise.all([firstTurn, secondTurn]), ['one', 'two']);
    assert.deepEqual(seen, { conversationId: 'c1', parentMessageId: 's1' });
    assert.deepEqual(await first.pointer(CHAT, 'ada'), { conversationId: 'c1', parentMessageId: 's2' });
  });

  it('a lease left by an instance that died lapses, and the next turn goes ahead', async () => {
    const [dead, alive] = [new ConversationTurns(storage, now), new ConversationTurns(storage, now)];
    void dead.run(CHAT, 'ada', () => new Promise<{ value: string }>(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 50));
    let started = false;
    const next = alive.run(CHAT, 'ada', async () => {
      started = true;
      return { value: 'answered' };
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(started, false, 'waits while the lease is fresh');
    clock += 31_000;
    assert.equal(await next, 'answered');
  });

  it('/new during a turn: the turn does not write its pointer back, the next question starts over', async () => {
    const turns = new ConversationTurns(storage, now);
    await turns.run(CHAT, 'ada', async () => ({ value: 0, pointer: { conversationId: 'old', parentMessageId: 's0' } }));
    let finish!: () => void;
    const running = turns.run(CHAT, 'ada', async () => {
      await new Promise<void>((resolve) => (finish = resolve));
      return { value: 1, pointer: { conversationId: 'old', parentMessageId: 's1' } };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await turns.startOver(CHAT, 'ada');
    finish();
    await running;
    assert.equal(await turns.pointer(CHAT, 'ada'), undefined);
    let seen: unknown = 'unset';
    await turns.run(CHAT, 'ada', async (pointer) => {
      seen = pointer;
      return { value: 2 };
    });
    assert.equal(seen, undefined);
  });
});
