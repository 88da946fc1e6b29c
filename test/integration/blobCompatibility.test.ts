/**
 * State written before the move off botbuilder-azure-blobs keeps reading, and the other way round:
 * against Azurite, records are written with the earlier `BlobsStorage` and read, replaced and
 * deleted with `BlobStateStorage`, and the reverse, under the keys Teams gives us (thread ids with
 * `:`, `@`, `;` and `=`, `%`, non-ASCII, empty segments, keys past Azure's 1,024-character limit).
 * The blob names are compared with the library's own sanitiser and with what the container lists.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ContainerClient } from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { blobName } from '../../src/state/blobNames';
import { BlobStateStorage } from '../../src/state/blobStateStorage';
import { isETagConflict } from '../../src/state/stateStorage';
import { startAzurite, type Azurite } from '../helpers/azurite';

const THREAD = '19:9f3c2a1b4d5e6f708192a3b4c5d6e7f8@thread.tacv2;messageid=1700000000000';
const LONG_TAIL = 'ü'.repeat(400);

/** Keys as the bot builds them (ExpiringRecords encodes each part) and as other code might pass them raw. */
const KEYS: Record<string, string> = {
  'thread id, encoded as the records encode it': `qteams/thread-context/${encodeURIComponent(THREAD)}`,
  'thread id, raw': `qteams/conversation/${THREAD}/29:1AbC-ß`,
  'percent signs, raw and already encoded': 'qteams/answer/100%25 done%/%E2%9C%93',
  'non-ASCII and emoji': 'qteams/votes/Zoë Åström 日本語 👍',
  'empty and leading segments': '/qteams//answer///x/',
  'more than 255 segments': Array.from({ length: 300 }, (_, index) => `s${index}`).join('/'),
  'over 1,024 characters (truncated name)': `qteams/answer/${encodeURIComponent(THREAD)}/${LONG_TAIL}`,
};

describe('blob compatibility with botbuilder-azure-blobs (Azurite)', function () {
  this.timeout(60000);
  let azurite: Azurite;
  let earlier: BlobsStorage;
  let current: BlobStateStorage;
  let container: ContainerClient;

  before(async () => {
    azurite = await startAzurite();
  });
  beforeEach(() => {
    const name = `compat-${randomUUID().slice(0, 8)}`;
    earlier = new BlobsStorage(azurite.connectionString, name);
    current = new BlobStateStorage({ connectionString: azurite.connectionString, container: name });
    container = new ContainerClient(azurite.connectionString, name);
  });
  after(() => azurite.stop());

  async function listed(): Promise<string[]> {
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    return names.sort();
  }

  it('names every key exactly as the library does', () => {
    const extra = ['a', '%', '%%41', 'ä/ö', '/', 'a/', '/a', 'x'.repeat(2000), '€'.repeat(400), `${'/'.repeat(300)}z`, "it's (1)*!~"];
    for (const key of [...Object.values(KEYS), ...extra]) assert.equal(blobName(key), sanitizeBlobKey(key), key.slice(0, 80));
    assert.equal(blobName(KEYS['over 1,024 characters (truncated name)'] as string).length, 1024);
    assert.throws(() => blobName(''));
  });

  for (const [label, key] of Object.entries(KEYS)) {
    it(`${label}: written by the earlier store, read, replaced and deleted by the new one`, async () => {
      const value = { text: 'Réponse 👍 — 日本語', n: 1, nested: { list: [1, 'two'] } };
      await earlier.write({ [key]: value });
      const read = (await current.read([key]))[key];
      assert.ok(read, 'found under the same name');
      const { eTag, ...fields } = read;
      assert.deepEqual(fields, value);
      assert.equal(eTag, (await earlier.read([key]))[key]?.eTag, 'the same version');
      assert.deepEqual(await listed(), [blobName(key)], 'one blob, named as before');

      const next = await current.replace(key, { text: 'changed', n: 2 }, eTag as string);
      assert.ok(next, 'a conditional replace on the version the earlier store wrote');
      assert.equal((await earlier.read([key]))[key]?.text, 'changed');
      await assert.rejects(earlier.write({ [key]: { n: 3, eTag } }), (error) => isETagConflict(error), 'the old version is stale for both');
      assert.equal(await current.deleteIf(key, next as string), true);
      assert.deepEqual(await earlier.read([key]), {});
      assert.deepEqual(await listed(), []);
    });

    it(`${label}: written by the new store, read, updated and deleted by the earlier one`, async () => {
      const value = { text: 'Antwort ✓ %41 \u2028 "quoted"', n: 7 };
      const eTag = await current.create(key, value);
      assert.ok(eTag);
      const read = (await earlier.read([key]))[key];
      assert.ok(read, 'found under the same name');
      assert.equal(read.eTag, eTag);
      assert.deepEqual({ ...read, eTag: undefined }, { ...value, eTag: undefined });
      assert.deepEqual(await listed(), [blobName(key)]);

      await earlier.write({ [key]: { text: 'by the earlier store', eTag } });
      const now = (await current.read([key]))[key];
      assert.equal(now?.text, 'by the earlier store');
      assert.equal(await current.replace(key, { text: 'stale' }, eTag as string), undefined, 'the new store sees the earlier write as a newer version');
      assert.equal(await current.create(key, { text: 'again' }), undefined, 'and as present');
      await earlier.delete([key]);
      assert.deepEqual(await current.read([key]), {});
    });
  }

  it('keys that agree on their first 1,024 encoded characters share one blob, in both stores alike', async () => {
    const base = KEYS['over 1,024 characters (truncated name)'] as string;
    await earlier.write({ [`${base}-first`]: { which: 'first' } });
    assert.equal((await current.read([`${base}-second`]))[`${base}-second`]?.which, 'first');
    assert.equal((await listed()).length, 1);
  });
});
