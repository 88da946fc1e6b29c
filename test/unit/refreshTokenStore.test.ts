import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';
import { RefreshTokenStore } from '../../src/identity/refreshTokenStore';

describe('stored refresh tokens', () => {
  const key = randomBytes(32);

  it('are encrypted at rest and read back only for their owner', async () => {
    const storage = new MemoryStateStorage();
    const store = new RefreshTokenStore(storage, key);
    await store.save('ada', 'aorAAAAA-ada-refresh-token');
    assert.equal((await store.read('ada'))?.token, 'aorAAAAA-ada-refresh-token');
    const raw = JSON.stringify(await storage.read(['qteams/identity/refresh-token/ada']));
    assert.ok(!raw.includes('ada-refresh-token'), 'no plaintext in storage');

    // Copy Ada's sealed record under Grace's key: it must not decrypt for Grace.
    const record = (await storage.read(['qteams/identity/refresh-token/ada']))['qteams/identity/refresh-token/ada'];
    await storage.write({ 'qteams/identity/refresh-token/grace': { ...record, eTag: '*' } });
    assert.equal(await store.read('grace'), undefined);
  });

  it('do not decrypt under another key, and are gone after delete', async () => {
    const storage = new MemoryStateStorage();
    await new RefreshTokenStore(storage, key).save('ada', 'secret-refresh');
    assert.equal(await new RefreshTokenStore(storage, randomBytes(32)).read('ada'), undefined);
    const store = new RefreshTokenStore(storage, key);
    await store.delete('ada');
    assert.equal(await store.read('ada'), undefined);
  });
});
