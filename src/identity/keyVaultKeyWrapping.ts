/**
 * Data-key wrapping with a Key Vault key (RSA-OAEP-256) through Microsoft's own client,
 * `@azure/keyvault-keys`, as the bot's managed identity (role Key Vault Crypto User on that key
 * only: get, wrapKey, unwrapKey). The key URL names the key without a version; each wrap uses
 * the current version and records it, each unwrap uses the version that wrapped.
 */
import type { TokenCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type CryptographyClientOptions } from '@azure/keyvault-keys';
import type { DataKeyWrapping } from './tokenStoreEnvelope';

const ALGORITHM = 'RSA-OAEP-256';

export function keyVaultKeyWrapping(keyUrl: string, credential: TokenCredential, clientOptions: CryptographyClientOptions = {}): DataKeyWrapping {
  const url = new URL(keyUrl);
  const name = url.pathname.split('/').filter(Boolean)[1] ?? '';
  const keys = new KeyClient(url.origin, credential, clientOptions);
  const clients = new Map<string, CryptographyClient>();
  const crypto = (version: string): CryptographyClient => {
    let client = clients.get(version);
    if (!client) clients.set(version, (client = new CryptographyClient(version, credential, clientOptions)));
    return client;
  };
  return {
    async currentKeyVersion() {
      const key = await keys.getKey(name);
      if (!key.id) throw new Error(`Key Vault returned no id for the key ${name}`);
      if (key.properties.enabled === false) throw new Error(`the Key Vault key ${key.id} is disabled`);
      return key.id;
    },
    async wrap(version, dataKey) {
      const result = await crypto(version).wrapKey(ALGORITHM, dataKey);
      return Buffer.from(result.result).toString('base64');
    },
    async unwrap(version, wrapped) {
      const result = await crypto(version).unwrapKey(ALGORITHM, Buffer.from(wrapped, 'base64'));
      return Buffer.from(result.result);
    },
  };
}
