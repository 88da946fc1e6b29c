/**
 * A local stand-in for an Azure Key Vault's key operations, enough for envelope encryption with
 * the real `@azure/keyvault-keys` client: GET a key (latest or a version), create a new version
 * (rotation, as the portal's "New version" does), wrapkey / unwrapkey with RSA-OAEP-256.
 * Reached over HTTPS only — Azure's bearer-token policy refuses to send a token over http — with
 * a throwaway CA generated at start (testCertificates.ts; the client trusts it through
 * NODE_EXTRA_CA_CERTS or its tlsOptions). Authentication as Key Vault does it: a request without
 * a token gets 401 with a `WWW-Authenticate: Bearer authorization=…, resource=…` challenge; the
 * token must be the local managed identity's (signature checked against its keys), for the
 * resource https://vault.azure.net, and its principal must hold "Key Vault Crypto User" on that
 * key (a role assignment scoped to the key, `grantCryptoUser`). Not modelled: soft delete and
 * purge protection, key attributes beyond enabled, other algorithms and operations, HSM keys.
 * A development tool: not part of the product.
 */
import { constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createTestCertificates, type TestCertificates } from '../botframework/testCertificates';

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

interface KeyVersion {
  version: string;
  privateKey: KeyObject;
  created: number;
}

export interface LocalKeyVaultOptions {
  /** The managed identity's token-signing keys: only its tokens are accepted. */
  identityKeys: JSONWebKeySet;
  /** The tenant named in the challenge. */
  tenantId: string;
}

export class LocalKeyVault {
  private readonly keys = new Map<string, { versions: KeyVersion[]; enabled: boolean }>();
  /** Principal ids holding Key Vault Crypto User, by key name (the role's scope is the key). */
  private readonly cryptoUsers = new Map<string, Set<string>>();
  /** Operations served (`GET key`, `wrapkey`, `unwrapkey`), for tests. */
  readonly served: string[] = [];
  url = '';
  caFile = '';

  private constructor(
    private readonly options: LocalKeyVaultOptions,
    private readonly server: Server,
    private readonly certificates: TestCertificates,
  ) {}

  static async start(options: LocalKeyVaultOptions): Promise<LocalKeyVault> {
    const certificates = createTestCertificates();
    const server = createServer({ key: certificates.key, cert: certificates.cert });
    const vault = new LocalKeyVault(options, server, certificates);
    server.on('request', (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        vault.handle(req.method ?? 'GET', req.url ?? '/', String(req.headers.authorization ?? ''), body).then(
          ({ status, payload, headers }) => {
            res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomBytes(8).toString('hex'), ...headers });
            res.end(payload === undefined ? '' : JSON.stringify(payload));
          },
          () => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 'InternalError', message: 'local key vault failure' } }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    vault.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    vault.caFile = certificates.caFile;
    return vault;
  }

  /** Creates the key, or a new version of it (rotation); returns the version's full id. */
  createKeyVersion(name: string): string {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const version = randomBytes(16).toString('hex');
    const entry = this.keys.get(name) ?? { versions: [], enabled: true };
    entry.versions.push({ version, privateKey, created: Math.floor(Date.now() / 1000) });
    this.keys.set(name, entry);
    return `${this.url}/keys/${name}/${version}`;
  }

  keyUrl(name: string): string {
    return `${this.url}/keys/${name}`;
  }

  grantCryptoUser(name: string, principalId: string): void {
    const users = this.cryptoUsers.get(name) ?? new Set<string>();
    users.add(principalId);
    this.cryptoUsers.set(name, users);
  }

  revokeCryptoUser(name: string, principalId: string): void {
    this.cryptoUsers.get(name)?.delete(principalId);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.certificates.remove();
  }

  private async handle(method: string, rawUrl: string, authorization: string, body: string): Promise<{ status: number; payload?: unknown; headers?: Record<string, string> }> {
    const url = new URL(rawUrl, this.url);
    if (!url.searchParams.get('api-version')) return error(400, 'BadParameter', 'The api-version query parameter is required.');
    const bearer = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (!bearer) {
      // Key Vault's challenge: the client learns the tenant and resource, then comes back with a token.
      return { status: 401, payload: { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, headers: { 'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${this.options.tenantId}", resource="${KEY_VAULT_RESOURCE}"` } };
    }
    let principal: string;
    try {
      const { payload } = await jwtVerify(bearer, createLocalJWKSet(this.options.identityKeys), { audience: KEY_VAULT_RESOURCE });
      principal = String(payload.oid ?? payload.sub ?? '');
    } catch (failure) {
      return error(401, 'Unauthorized', `AKV10032: Invalid issuer or token: ${(failure as Error).message}`);
    }
    const match = /^\/keys\/([\w-]+)(?:\/([0-9a-f]*))?(?:\/(wrapkey|unwrapkey))?\/?$/.exec(url.pathname);
    if (!match) return error(404, 'NotFound', `The local key vault serves only keys, not ${url.pathname}.`);
    const [, name = '', versionText, operation] = match;
    const entry = this.keys.get(name);
    if (!entry) return error(404, 'KeyNotFound', `A key with (name/id) ${name} was not found in this key vault.`);
    const action = operation ? `Microsoft.KeyVault/vaults/keys/${operation === 'wrapkey' ? 'wrap' : 'unwrap'}/action` : 'Microsoft.KeyVault/vaults/keys/read';
    if (!this.cryptoUsers.get(name)?.has(principal)) {
      return error(403, 'Forbidden', `Caller is not authorized to perform action on resource. If role assignments were recently changed, please wait several minutes for role assignments to become effective. Caller: appid=…;oid=${principal} Action: '${action}' Resource: '/keys/${name}' Assignment: (not found) DecisionReason: 'DeniedWithNoValidRBAC'`);
    }
    const version = versionText ? entry.versions.find((candidate) => candidate.version === versionText) : entry.versions.at(-1);
    if (!version) return error(404, 'KeyNotFound', `A key with (name/id) ${name}/${versionText} was not found in this key vault.`);
    const kid = `${this.url}/keys/${name}/${version.version}`;
    if (!operation && method === 'GET') {
      this.served.push('GET key');
      const jwk = createPublicKey(version.privateKey).export({ format: 'jwk' });
      return { status: 200, payload: { key: { kid, kty: 'RSA', key_ops: ['wrapKey', 'unwrapKey'], n: jwk.n, e: jwk.e }, attributes: { enabled: entry.enabled, created: version.created, updated: version.created, recoveryLevel: 'Recoverable', recoverableDays: 90 } } };
    }
    if (!operation || method !== 'POST') return error(405, 'MethodNotAllowed', `${method} is not served here.`);
    if (!entry.enabled) return error(403, 'Forbidden', `Operation ${operation} is not allowed on a disabled key.`);
    const input = JSON.parse(body || '{}') as { alg?: string; value?: string };
    if (input.alg !== 'RSA-OAEP-256') return error(400, 'BadParameter', `The local key vault supports RSA-OAEP-256 only, not ${input.alg}.`);
    const value = Buffer.from(input.value ?? '', 'base64url');
    this.served.push(operation);
    const padding = { key: version.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    try {
      const out = operation === 'wrapkey' ? publicEncrypt({ ...padding, key: createPublicKey(version.privateKey) }, value) : privateDecrypt(padding, value);
      return { status: 200, payload: { kid, value: out.toString('base64url') } };
    } catch {
      return error(400, 'BadParameter', 'The wrapped key could not be unwrapped with this key version.');
    }
  }

  /** Disables the key (every version), as the portal's "Enabled: No". */
  disable(name: string): void {
    const entry = this.keys.get(name);
    if (entry) entry.enabled = false;
  }
}

function error(status: number, code: string, message: string): { status: number; payload: unknown } {
  return { status, payload: { error: { code, message } } };
}

