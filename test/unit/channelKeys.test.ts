/**
 * The channel's signing keys as the front door fetches them: once, not again for unknown key ids
 * within the floor interval, kept through a failed refresh, and failing fast when never loaded.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair } from 'jose';
import pino from 'pino';
import { ChannelKeysUnavailable, ChannelSigningKeys } from '../../src/frontDoor/channelKeys';

describe('channel signing keys', () => {
  let server: http.Server;
  let url = '';
  let fetches = 0;
  let failing = false;
  const logs: string[] = [];
  const logger = pino(new Writable({ write: (chunk: Buffer, _encoding, done) => void (logs.push(chunk.toString()), done()) }));
  let jwk: Record<string, unknown> = {};

  before(async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    jwk = { ...(await exportJWK(publicKey)), kid: 'k1', endorsements: ['msteams'] };
    server = http.createServer((req, res) => {
      if (req.url === '/metadata') fetches += 1;
      if (failing) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/metadata' ? { jwks_uri: `${url}/keys` } : { keys: [jwk, { kid: 'ec', kty: 'EC' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  beforeEach(() => {
    fetches = 0;
    failing = false;
    logs.length = 0;
  });

  const timings = { fetchTimeoutMs: 1000, refreshAfterMs: 1000_000, minRefreshIntervalMs: 60_000 };

  it('loads once, serves PEM keys with their endorsements, and does not refetch for unknown key ids', async () => {
    let now = 0;
    const keys = new ChannelSigningKeys(`${url}/metadata`, logger, timings, () => now);
    const key = await keys.getKey('k1');
    assert.match(key?.key ?? '', /^-----BEGIN PUBLIC KEY-----/);
    assert.deepEqual(key?.endorsements, ['msteams']);
    await Promise.all(Array.from({ length: 50 }, (_, index) => keys.getKey(`forged-${index}`)));
    assert.equal(await keys.getKey('forged'), null);
    assert.equal(fetches, 1);
    now += 61_000;
    assert.equal(await keys.getKey('forged-again'), null);
    assert.equal(fetches, 2, 'one refresh after the floor interval');
  });

  it('keeps the cached keys when a refresh fails, logging it once', async () => {
    let now = 0;
    const keys = new ChannelSigningKeys(`${url}/metadata`, logger, timings, () => now);
    await keys.getKey('k1');
    failing = true;
    now += 2_000_000;
    assert.ok(await keys.getKey('k1'), 'stale keys still serve');
    assert.ok(await keys.getKey('k1'));
    assert.equal(fetches, 2);
    assert.equal(logs.filter((line) => line.includes('keeping the cached keys')).length, 1);
  });

  it('fails fast, without refetching, when the keys were never loaded', async () => {
    failing = true;
    const keys = new ChannelSigningKeys(`${url}/metadata`, logger, timings, () => 0);
    await assert.rejects(keys.getKey('k1'), ChannelKeysUnavailable);
    await assert.rejects(keys.getKey('k1'), ChannelKeysUnavailable);
    assert.equal(fetches, 1);
  });
});
