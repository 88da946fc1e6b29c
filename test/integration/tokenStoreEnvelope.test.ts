/**
 * Envelope encryption of the refresh-token store against a local Key Vault-compatible key service
 * (localdev/keyvault, HTTPS with a throwaway CA, Key Vault's 401 challenge, RBAC on the key),
 * reached by the real `@azure/keyvault-keys` client as the local managed identity through the real
 * `ManagedIdentityCredential` (App Service's IDENTITY_ENDPOINT / IDENTITY_HEADER): a first start
 * creates and wraps a data key, a restart unwraps it and reads what was stored, a new Key Vault key
 * version re-wraps without losing a sign-in, a deployment with TOKEN_STORE_KEY migrates without
 * losing one, and a refused unwrap keeps the bot not ready with a clear log line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ManagedIdentityCredential } from '@azure/identity';
import type { CryptographyClientOptions } from '@azure/keyvault-keys';
import pino from 'pino';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PATH, LOCAL_MI_PRINCIPAL_ID, LOCAL_MI_TENANT_ID } from '../../localdev/identity/managedIdentity';
import { LocalKeyVault } from '../../localdev/keyvault/keyVault';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { loadConfig } from '../../src/config';
import { keyVaultKeyWrapping } from '../../src/identity/keyVaultKeyWrapping';
import { RefreshTokenStore } from '../../src/identity/refreshTokenStore';
import { TokenKeyRing } from '../../src/identity/tokenKeyRing';
import { DATA_KEYS_STORAGE_KEY, loadEnvelopedKeyRing, type DataKeyWrapping } from '../../src/identity/tokenStoreEnvelope';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';
import { startBot } from '../../src/startBot';
import { DOCUMENTS } from '../helpers/stack';

const KEY = 'token-store';

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>>; destination: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split('\n').filter(Boolean).map((line) => JSON.parse(line))), done()) });
  return { logger: pino({ level: 'debug' }, destination), lines, destination };
}

describe('token store: envelope encryption with a Key Vault key (local key service, real clients)', function () {
  this.timeout(60_000);
  let services: LocalServices;
  let vault: LocalKeyVault;
  let clientOptions: CryptographyClientOptions;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

  before(async () => {
    services = await startLocalServices({ documentsFolder: DOCUMENTS });
    vault = await LocalKeyVault.start({ identityKeys: services.managedIdentity.keys, tenantId: LOCAL_MI_TENANT_ID });
    // App Service's managed identity endpoint, as ManagedIdentityCredential finds it.
    process.env.IDENTITY_ENDPOINT = `${services.url}${LOCAL_MI_PATH}`;
    process.env.IDENTITY_HEADER = services.managedIdentity.identityHeader;
    // Trust the local CA; the local host is not *.vault.azure.net, so the challenge's resource cannot match it.
    clientOptions = { disableChallengeResourceVerification: true, tlsOptions: { ca: readFileSync(vault.caFile) } } as CryptographyClientOptions;
  });
  after(async () => {
    for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await vault.close();
    await services.close();
  });

  const freshKey = (): string => {
    const name = `${KEY}-${randomBytes(4).toString('hex')}`;
    vault.createKeyVersion(name);
    vault.grantCryptoUser(name, LOCAL_MI_PRINCIPAL_ID);
    return name;
  };
  const wrappingFor = (name: string): DataKeyWrapping => keyVaultKeyWrapping(vault.keyUrl(name), new ManagedIdentityCredential({ clientId: LOCAL_MI_CLIENT_ID }), clientOptions);

  it('first start wraps a new data key; a restart unwraps it and reads what was stored; the store holds no key in clear', async () => {
    const name = freshKey();
    const storage = new MemoryStateStorage();
    const { logger, lines } = capture();
    const first = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger }));
    await first.save('ada', 'refresh-token-of-ada');
    const record = (await storage.read([DATA_KEYS_STORAGE_KEY]))[DATA_KEYS_STORAGE_KEY] as unknown as { keys: Array<{ kid: string; wrappedBy: string; wrapped: string }> };
    assert.equal(record.keys.length, 1);
    assert.match(record.keys[0]?.wrappedBy ?? '', new RegExp(`^${vault.url.replace(/[.]/g, '\\.')}/keys/${name}/[0-9a-f]{32}$`));
    assert.equal(Buffer.from(record.keys[0]?.wrapped ?? '', 'base64').length, 256, 'RSA-2048 OAEP output, not a 32-byte key');
    assert.ok(lines.some((line) => line.event === 'tokenStoreKey' && line.outcome === 'created'));

    const restarted = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger }));
    assert.equal((await restarted.read('ada'))?.token, 'refresh-token-of-ada');
    assert.ok(vault.served.includes('unwrapkey'), 'the key service unwrapped over HTTP');
    const stored = JSON.stringify(await storage.read([DATA_KEYS_STORAGE_KEY, 'qteams/identity/refresh-token/ada']));
    assert.doesNotMatch(stored, /refresh-token-of-ada/, 'the token is sealed');
  });

  it('a new Key Vault key version re-wraps the data key; stored sign-ins stay readable', async () => {
    const name = freshKey();
    const storage = new MemoryStateStorage();
    const store = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger }));
    await store.save('grace', 'refresh-token-of-grace');
    const before = ((await storage.read([DATA_KEYS_STORAGE_KEY]))[DATA_KEYS_STORAGE_KEY] as unknown as { keys: Array<{ kid: string; wrappedBy: string }> }).keys[0];
    const newVersion = vault.createKeyVersion(name);
    const { logger, lines } = capture();
    const rotated = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger }));
    assert.equal((await rotated.read('grace'))?.token, 'refresh-token-of-grace');
    const after = ((await storage.read([DATA_KEYS_STORAGE_KEY]))[DATA_KEYS_STORAGE_KEY] as unknown as { keys: Array<{ kid: string; wrappedBy: string }> }).keys[0];
    assert.deepEqual([after?.kid, after?.wrappedBy], [before?.kid, newVersion], 'same data key, wrapped by the new version');
    assert.ok(lines.some((line) => line.outcome === 'rewrapped'));
    // And the next start needs only the new version.
    const again = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger }));
    assert.equal((await again.read('grace'))?.token, 'refresh-token-of-grace');
  });

  it('migrates a TOKEN_STORE_KEY deployment: records sealed before stay readable, new ones use the adopted key, the setting can then go', async () => {
    const name = freshKey();
    const storage = new MemoryStateStorage();
    const legacyKey = randomBytes(32);
    const previousKey = randomBytes(32);
    await new RefreshTokenStore(storage, new TokenKeyRing(previousKey)).save('old', 'sealed-with-the-previous-key');
    await new RefreshTokenStore(storage, new TokenKeyRing(legacyKey, [previousKey])).save('linus', 'sealed-with-TOKEN_STORE_KEY');
    const { logger, lines } = capture();
    const migrated = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), legacyKeys: { current: legacyKey, previous: [previousKey] }, logger }));
    assert.equal((await migrated.read('linus'))?.token, 'sealed-with-TOKEN_STORE_KEY');
    assert.equal((await migrated.read('old'))?.token, 'sealed-with-the-previous-key');
    assert.ok(lines.some((line) => line.outcome === 'migrated' && /can be removed/.test(String(line.msg))));
    // After removing TOKEN_STORE_KEY and TOKEN_STORE_PREVIOUS_KEYS: everything still opens.
    const withoutSettings = new RefreshTokenStore(storage, loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger }));
    assert.equal((await withoutSettings.read('linus'))?.token, 'sealed-with-TOKEN_STORE_KEY');
    assert.equal((await withoutSettings.read('old'))?.token, 'sealed-with-the-previous-key');
  });

  it('two instances starting together end with one data key', async () => {
    const name = freshKey();
    const storage = new MemoryStateStorage();
    const [a, b] = await Promise.all([0, 1].map(() => loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger })));
    assert.equal(a?.currentKeyId, b?.currentKeyId);
  });

  it('a refused unwrap at start: the bot is not ready (tokenStoreKey), with a clear log line and no crash', async () => {
    const name = freshKey();
    const storage = new MemoryStateStorage();
    await loadEnvelopedKeyRing({ storage, wrapping: wrappingFor(name), logger: capture().logger });
    vault.revokeCryptoUser(name, LOCAL_MI_PRINCIPAL_ID);
    const env: Record<string, string> = {
      PORT: '0', AMAZON_Q_APP_ID: services.applicationId, AMAZON_Q_REGION: 'us-east-1', AWS_ENDPOINT_URL: services.url, AWS_ACCESS_KEY_ID: 'AKIALOCAL', AWS_SECRET_ACCESS_KEY: 'local',
      AAD_APP_CLIENT_ID: '0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d', AAD_APP_TENANT_ID: '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e', IDC_APPLICATION_ARN: 'arn:aws:sso::111122223333:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b', Q_USER_ROLE_ARN: 'arn:aws:iam::111122223333:role/QBusinessTeamsUserRole',
      BOT_ID: LOCAL_MI_CLIENT_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: LOCAL_MI_TENANT_ID, SSO_RESOURCE_URI: `api://botid-${LOCAL_MI_CLIENT_ID}`, TOKEN_STORE_KEY_VAULT_KEY_URL: vault.keyUrl(name),
    };
    const config = loadConfig(env);
    const { destination, lines } = capture();
    const bot = await startBot({ ...config, bot: undefined } as typeof config, { storage, logDestination: destination, host: '127.0.0.1', keyVaultClientOptions: clientOptions });
    try {
      const response = await fetch(`${bot.url}/readyz`);
      const body = (await response.json()) as { checks: Record<string, string> };
      assert.equal(response.status, 503, JSON.stringify(body));
      assert.equal(body.checks.tokenStoreKey, 'the token-store key could not be unwrapped: tokenStoreKeyUnavailable (see the tokenStoreKey log line)');
      const line = lines.find((candidate) => candidate.event === 'tokenStoreKey' && candidate.outcome === 'unavailable');
      assert.ok(line, JSON.stringify(lines.map((candidate) => candidate.msg)));
      assert.match(String(line.msg), /could not be unwrapped, so no one can sign in on this instance \(not ready\): could not read the current Key Vault key version: Forbidden: Caller is not authorized .*Key Vault Crypto User role on this key/s);
    } finally {
      await bot.close();
    }
  });
});
