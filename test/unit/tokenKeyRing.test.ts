/**
 * The token-store key lifecycle through the refresh-token store: records carry the key id, a
 * rotation keeps old records readable, and a record whose key is gone reads as "signed out" with a
 * loud log line saying what to do (and then renewal asks the person to sign in again).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';
import pino from 'pino';
import { IdentityFailure } from '../../src/identity/identityFailure';
import { RefreshTokenStore } from '../../src/identity/refreshTokenStore';
import { TokenKeyRing, tokenKeyId } from '../../src/identity/tokenKeyRing';
import { UserSessions } from '../../src/identity/userSessions';

const RECORD = 'qteams/identity/refresh-token/ada';

function capture(): { logger: pino.Logger; lines: () => Array<Record<string, any>> } {
  const lines: string[] = [];
  const logger = pino(new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
  return { logger, lines: () => lines.map((line) => JSON.parse(line)) };
}

describe('token-store key ring', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('seals new records with the current key and records its id', async () => {
    const storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
    await new RefreshTokenStore(storage, new TokenKeyRing(newKey, [oldKey])).save('ada', 'refresh-ada');
    const record = (await storage.read([RECORD]))[RECORD];
    assert.equal(record?.v, 2);
    assert.equal(record?.kid, tokenKeyId(newKey));
    assert.notEqual(tokenKeyId(newKey), tokenKeyId(oldKey));
    assert.doesNotMatch(JSON.stringify(record), /refresh-ada/);
  });

  it('after a rotation, records sealed with the previous key still open; the next save moves them to the new key', async () => {
    const storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
    await new RefreshTokenStore(storage, oldKey).save('ada', 'refresh-ada');
    const rotated = new RefreshTokenStore(storage, new TokenKeyRing(newKey, [oldKey]));
    assert.equal((await rotated.read('ada'))?.token, 'refresh-ada');
    await rotated.save('ada', 'refresh-ada-2');
    assert.equal((await storage.read([RECORD]))[RECORD]?.kid, tokenKeyId(newKey));
    assert.equal((await new RefreshTokenStore(storage, newKey).read('ada'))?.token, 'refresh-ada-2', 'the old key is no longer needed for it');
  });

  it('reads records written before key ids existed (v1) with any known key', async () => {
    const storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
    const sealed = new TokenKeyRing(oldKey).seal('refresh-legacy', Buffer.from('qteams-refresh-token:ada'));
    await storage.write({ [RECORD]: { v: 1, iv: sealed.iv, tag: sealed.tag, data: sealed.data, eTag: '*' } });
    assert.equal((await new RefreshTokenStore(storage, new TokenKeyRing(newKey, [oldKey])).read('ada'))?.token, 'refresh-legacy');
  });

  it('a record whose key is gone: logged loudly with what to do, and the person is asked to sign in again', async () => {
    const storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
    await new RefreshTokenStore(storage, oldKey).save('ada', 'refresh-ada');
    const { logger, lines } = capture();
    const store = new RefreshTokenStore(storage, new TokenKeyRing(newKey, [], logger));
    const chain = {
      exchangeEntraToken: () => Promise.reject(new Error('not called')),
      refresh: () => Promise.reject(new Error('a refresh must not be attempted without a token')),
      assumeQUserRole: () => Promise.reject(new Error('not called')),
    };
    const sessions = new UserSessions({ chain, refreshTokens: store, logger, now: () => new Date() });
    await assert.rejects(sessions.credentialsFor('ada'), (error: unknown) => error instanceof IdentityFailure && error.kind === 'signInRequired');
    const [line] = lines().filter((entry) => entry.event === 'tokenStoreKey');
    assert.equal(line?.level, 50, 'error level');
    assert.equal(line?.recordKeyId, tokenKeyId(oldKey));
    assert.deepEqual(line?.knownKeyIds, [tokenKeyId(newKey)]);
    assert.match(line?.msg ?? '', /add the old key to TOKEN_STORE_PREVIOUS_KEYS .* token-store-previous-keys/);
    assert.doesNotMatch(JSON.stringify(lines()), new RegExp(oldKey.toString('base64').slice(0, 20).replace(/[+/]/g, '\\$&')), 'no key material in the log');
  });
});
