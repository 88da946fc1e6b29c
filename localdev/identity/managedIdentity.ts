/**
 * A local stand-in for an Azure App Service user-assigned managed identity: the endpoint App
 * Service gives a web app (`IDENTITY_ENDPOINT`, header `X-IDENTITY-HEADER`, api-version
 * 2019-08-01), answering with tokens shaped like the real ones for `api://AzureADTokenExchange`:
 * v2, `iss` https://login.microsoftonline.com/<subscription tenant>/v2.0, `aud` that resource's
 * application id, `azp` the identity's client id, `sub`/`oid` its principal id. @azure/identity's
 * ManagedIdentityCredential reaches it through those two variables, as on App Service.
 *
 * The local AWS account trusts it exactly as deploy/aws sets up the real one: an IAM OIDC
 * provider for its issuer with the setup script's client ids, and the bot role with the setup
 * script's trust policy (see account.ts, the one local account model).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { AZURE_AD_TOKEN_EXCHANGE_APP_ID, managedIdentityIssuer } from '../../deploy/aws/iam';
import { json, type Exchange } from '../http';
import type { LocalClock } from './state';

/** The Azure subscription's tenant: deliberately not the Microsoft 365 tenant of the sample people. */
export const LOCAL_MI_TENANT_ID = 'a2a2a2a2-b3b3-4c4c-8d5d-e6e6e6e6e6e6';
export const LOCAL_MI_CLIENT_ID = 'c1c1c1c1-d2d2-4e3e-8f4f-a5a5a5a5a5a5';
export const LOCAL_MI_PRINCIPAL_ID = 'e7e7e7e7-f8f8-4a9a-8b0b-c1c1c1c1c1c1';
export const LOCAL_MI_PATH = '/msi/token';

/** Resources this identity gets tokens for, and the `aud` Entra puts in them. */
const RESOURCE_AUDIENCES: Record<string, string> = { 'api://AzureADTokenExchange': AZURE_AD_TOKEN_EXCHANGE_APP_ID, 'https://vault.azure.net': 'https://vault.azure.net' };

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface ManagedIdentityTokenOptions {
  /** Default: this identity's principal id (a token "for another principal" changes it). */
  subject?: string;
  tenantId?: string;
  /** Default: the v2 issuer; the v1 form is https://sts.windows.net/<tenant>/. */
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
}

export class LocalManagedIdentity {
  /** The value App Service puts in IDENTITY_HEADER; requests without it are refused. */
  readonly identityHeader = randomBytes(16).toString('hex');

  private constructor(
    private readonly clock: LocalClock,
    private readonly signingKey: SigningKey,
    readonly keys: JSONWebKeySet,
  ) {}

  static async create(clock: LocalClock): Promise<LocalManagedIdentity> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' };
    return new LocalManagedIdentity(clock, privateKey, { keys: [jwk] });
  }

  async token(options: ManagedIdentityTokenOptions = {}): Promise<string> {
    const tenant = options.tenantId ?? LOCAL_MI_TENANT_ID;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const subject = options.subject ?? LOCAL_MI_PRINCIPAL_ID;
    return new SignJWT({ azp: LOCAL_MI_CLIENT_ID, azpacr: '2', oid: subject, tid: tenant, ver: '2.0', uti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keys.keys[0]?.kid as string })
      .setIssuer(options.issuer ?? `https://${managedIdentityIssuer(tenant)}`)
      .setAudience(options.audience ?? AZURE_AD_TOKEN_EXCHANGE_APP_ID)
      .setSubject(subject)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (options.expiresInSeconds ?? 86_400))
      .sign(this.signingKey);
  }

  /** App Service's managed identity endpoint (GET, api-version 2019-08-01). */
  handles(exchange: Exchange): boolean {
    return exchange.method === 'GET' && exchange.url.pathname === LOCAL_MI_PATH;
  }

  async handle(exchange: Exchange): Promise<void> {
    const query = exchange.url.searchParams;
    if (exchange.headers['x-identity-header'] !== this.identityHeader) return json(exchange, 401, { statusCode: 401, message: 'X-IDENTITY-HEADER is missing or wrong' });
    if (query.get('api-version') !== '2019-08-01') return json(exchange, 400, { statusCode: 400, message: `unsupported api-version ${query.get('api-version')}` });
    const clientId = query.get('client_id');
    if (clientId && clientId !== LOCAL_MI_CLIENT_ID) return json(exchange, 400, { statusCode: 400, message: `No user-assigned identity with client id ${clientId} is assigned to this app` });
    const resource = query.get('resource') ?? '';
    // The token exchange (AWS web identity) and Key Vault (the token-store key, localdev/keyvault/).
    const audience = RESOURCE_AUDIENCES[resource.replace(/\/+$/, '')];
    if (!audience) return json(exchange, 400, { statusCode: 400, message: `This local identity only issues tokens for ${Object.keys(RESOURCE_AUDIENCES).join(' and ')}, not ${resource}` });
    const expiresOn = Math.floor(this.clock.now().getTime() / 1000) + 86_400;
    return json(exchange, 200, { access_token: await this.token({ audience }), expires_on: String(expiresOn), resource, token_type: 'Bearer', client_id: LOCAL_MI_CLIENT_ID });
  }
}
