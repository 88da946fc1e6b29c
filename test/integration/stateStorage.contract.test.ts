/**
 * One contract for every store the bot can run on (in the spirit of botbuilder's own
 * storageBaseTests): the in-memory store and Azure Blob Storage through Azurite must behave the
 * same under eTag conflicts, racing creates and takes, expiry, large records and odd keys.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobStateStorage } from '../../src/state/blobStateStorage';
import { ExpiringRecords, REMOVE } from '../../src/state/expiringRecords';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';
import { isETagConflict, type StateStorage } from '../../src/state/stateStorage';
import { startAzurite, type Azurite } from '../helpers/azurite';

interface Subject {
  name: string;
  open(): Promise<StateStorage>;
  close(): Promise<void>;
}

const memory: Subject = { name: 'memory', open: async () => new MemoryStateStorage({ sweepIntervalMs: 0 }), close: async () => undefined };

let azurite: Azurite | undefined;
const blob: Subject = {
  name: 'Azure Blob Storage (Azurite)',
  open: async () => {
    azurite ??= await startAzurite();
    // A fresh container per test: tests never see each other's records.
    return new BlobStateStorage({ connectionString: azurite.connectionString, container: `contract-${randomUUID().slice(0, 8)}` });
  },
  close: async () => {
    await azurite?.stop();
    azurite = undefined;
  },
};

/** Teams ids as they come: colons, semicolons, @, = and non-ASCII. */
const TEAMS_KEY = 'qteams/conversation/19%3Ageneral%40thread.tacv2%3Bmessageid%3D1700000000000/a:1Zü-ß';

for (const subject of [memory, blob]) {
  describe(`state storage contract: ${subject.name}`, function () {
    this.timeout(60000);
    let storage: StateStorage;
    let clock = Date.now();
    const now = () => new Date(clock);
    beforeEach(async () => {
      clock = Date.now();
      storage = await subject.open();
    });
    afterEach(async () => {
      await storage.close();
    });
    after(() => subject.close());

    it('reads nothing for unknown keys, and what was written with a new eTag per write', async () => {
      assert.deepEqual(await storage.read(['nothing/here']), {});
      await storage.write({ [TEAMS_KEY]: { text: 'héllo 👍', n: 1 } });
      const first = (await storage.read([TEAMS_KEY]))[TEAMS_KEY];
      assert.equal(first?.text, 'héllo 👍');
      assert.equal(typeof first?.eTag, 'string');
      await storage.write({ [TEAMS_KEY]: { text: 'again', eTag: first?.eTag } });
      const second = (await storage.read([TEAMS_KEY]))[TEAMS_KEY];
      assert.equal(second?.text, 'again');
      assert.notEqual(second?.eTag, first?.eTag);
    });

    it('refuses a write with a stale eTag (botbuilder eTag conflict) and takes "*" unconditionally', async () => {
      await storage.write({ item: { v: 1 } });
      const stale = (await storage.read(['item'])).item?.eTag as string;
      await storage.write({ item: { v: 2, eTag: stale } });
      await assert.rejects(storage.write({ item: { v: 3, eTag: stale } }), (error) => isETagConflict(error));
      await assert.rejects(storage.write({ missing: { v: 1, eTag: stale } }), (error) => isETagConflict(error), 'an eTag for a missing item is a conflict too');
      await storage.write({ item: { v: 4, eTag: '*' } });
      assert.equal((await storage.read(['item'])).item?.v, 4);
    });

    it('create: exactly one of many racing creators wins', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, (_, index) => storage.create('claim', { by: index })));
      const winners = results.filter(Boolean);
      assert.equal(winners.length, 1);
      const stored = (await storage.read(['claim'])).claim;
      assert.equal(stored?.eTag, winners[0], 'the winner learns the eTag it wrote');
    });

    it('replace and deleteIf act only on the version that was read', async () => {
      const eTag = (await storage.create('doc', { v: 1 })) as string;
      const next = await storage.replace('doc', { v: 2 }, eTag);
      assert.ok(next && next !== eTag);
      assert.equal(await storage.replace('doc', { v: 3 }, eTag), undefined, 'stale replace refused');
      assert.equal(await storage.replace('absent', { v: 1 }, eTag), undefined, 'nothing to replace');
      assert.equal(await storage.deleteIf('doc', eTag), false, 'stale delete refused');
      assert.equal((await storage.read(['doc'])).doc?.v, 2, 'and the item is still there');
      assert.equal(await storage.deleteIf('doc', next), true);
      assert.deepEqual(await storage.read(['doc']), {});
      assert.equal(await storage.deleteIf('doc', next), false, 'already gone');
    });

    it('update re-applies on conflict: 20 racing increments, none lost', async () => {
      const records = new ExpiringRecords<{ count: number }>(storage, 'counter', 60_000, now);
      const key = records.key('racing');
      await Promise.all(Array.from({ length: 20 }, () => records.update(key, (current) => ({ count: (current?.count ?? 0) + 1 }))));
      assert.equal((await records.get(key))?.count, 20);
    });

    it('take is a conditional delete: one of many racing takers gets the record, and only if it accepts it', async () => {
      const records = new ExpiringRecords<{ owner: string }>(storage, 'take', 60_000, now);
      const key = records.key('one');
      await records.put(key, { owner: 'ada' });
      assert.equal(await records.take(key, (value) => value.owner === 'grace'), undefined, 'someone else cannot use it up');
      const taken = await Promise.all(Array.from({ length: 10 }, () => records.take(key, (value) => value.owner === 'ada')));
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal(await records.get(key), undefined);
    });

    it('expired records read as absent, are removed, and do not block a new claim', async () => {
      const records = new ExpiringRecords<{ n: number }>(storage, 'expiry', 1000, now);
      const key = records.key('short');
      assert.ok(await records.claim(key, { n: 1 }));
      assert.equal(await records.claim(key, { n: 2 }), undefined, 'claimed while alive');
      clock += 1001;
      assert.ok(await records.claim(key, { n: 3 }), 'an expired claim is replaced');
      clock += 1001;
      assert.equal(await records.get(key), undefined);
      assert.deepEqual(await storage.read([key]), {}, 'and removed from the store');
    });

    it('keeps large records intact (300 KB of mixed scripts)', async () => {
      const text = 'Ünïcödé 👍 日本語 '.repeat(20_000);
      await storage.write({ large: { text } });
      assert.equal((await storage.read(['large'])).large?.text, text);
      const records = new ExpiringRecords<{ text: string }>(storage, 'large', 60_000, now);
      const written = await records.update(records.key('x'), () => ({ text }));
      assert.ok(written);
      assert.equal((await records.get(records.key('x')))?.text, text);
    });

    it('update can remove, and delete is unconditional', async () => {
      const records = new ExpiringRecords<{ n: number }>(storage, 'remove', 60_000, now);
      const key = records.key('k');
      await records.put(key, { n: 1 });
      assert.equal(await records.update(key, () => REMOVE), undefined);
      assert.equal(await records.get(key), undefined);
      await storage.write({ gone: { n: 1 } });
      await storage.delete(['gone', 'never-there']);
      assert.deepEqual(await storage.read(['gone']), {});
    });
  });
}

describe('memory store sweep', () => {
  it('removes expired records without reading them again (1,000 answers written, none held after expiry)', async () => {
    let clock = Date.now();
    const storage = new MemoryStateStorage({ now: () => clock, sweepIntervalMs: 0 });
    const records = new ExpiringRecords<{ n: number }>(storage, 'answer', 30 * 24 * 3600 * 1000, () => new Date(clock));
    for (let n = 0; n < 1000; n += 1) await records.put(records.key(String(n)), { n });
    await storage.write({ 'no-expiry': { kept: true } });
    assert.equal(storage.size, 1001);
    assert.equal(storage.sweep(), 0, 'nothing expired yet');
    clock += 30 * 24 * 3600 * 1000 + 1;
    assert.equal(storage.sweep(), 1000);
    assert.equal(storage.size, 1, 'only the record without expiry is held');
  });
});
