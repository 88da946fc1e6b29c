/**
 * A local stand-in for the Microsoft identity platform's token issuer: OpenID discovery and JWKS
 * under `/{tenant}/v2.0`, and a way to mint v2 access tokens for the sample directory (what Teams
 * SSO hands the bot). Tests can also mint tokens that must be refused: wrong audience, issuer or
 * tenant, expired, or signed with a key the issuer never published.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { LOCAL_AAD_CLIENT_ID, LOCAL_TENANT_ID, userByObjectId } from '../directory';
import { json, type Exchange } from '../http';
import type { LocalClock } from './state';

/** Microsoft Teams' desktop/web client id: the `azp` of Teams SSO tokens. */
const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MintOptions {
  aadObjectId: string;
  audience?: string;
  tenantId?: string;
  issuer?: string;
  expiresInSeconds?: number;
  signWithUnknownKey?: boolean;
  /** The delegated scopes (`scp`); default the one the SSO app exposes. */
  scope?: string;
}

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export class LocalEntraIssuer {
  private constructor(
    private readonly baseUrl: () => string,
    private readonly clock: LocalClock,
    private readonly signingKey: SigningKey,
    private readonly unknownKey: SigningKey,
    readonly publicJwk: JWK,
  ) {}

  static async create(baseUrl: () => string, clock: LocalClock): Promise<LocalEntraIssuer> {
    const published = await generateKeyPair('RS256', { extractable: true });
    const unpublished = await generateKeyPair('RS256');
    const publicJwk = { ...(await exportJWK(published.publicKey)), kid: 'local-entra-key-1', use: 'sig', alg: 'RS256' };
    return new LocalEntraIssuer(baseUrl, clock, published.privateKey, unpublished.privateKey, publicJwk);
  }

  issuer(tenantId = LOCAL_TENANT_ID): string {
    return `${this.baseUrl()}/${tenantId}/v2.0`;
  }

  /** Serves discovery and keys; false when the path is not the issuer's. */
  handle(exchange: Exchange): boolean {
    const match = /^\/([0-9a-f-]{36})\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.exec(exchange.url.pathname);
    if (!match || exchange.method !== 'GET') return false;
    const tenantId = match[1] as string;
    if (match[2]?.endsWith('keys')) {
      json(exchange, 200, { keys: [this.publicJwk] });
    } else {
      json(exchange, 200, {
        issuer: this.issuer(tenantId),
        jwks_uri: `${this.baseUrl()}/${tenantId}/discovery/v2.0/keys`,
        authorization_endpoint: `${this.baseUrl()}/${tenantId}/oauth2/v2.0/authorize`,
        token_endpoint: `${this.baseUrl()}/${tenantId}/oauth2/v2.0/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    return true;
  }

  /**
   * Entra issues tokens to every member of its tenant, whether or not Identity Center knows them:
   * someone outside the sample directory (a person added to the playground's configuration, a
   * hand-made activity) gets a token without an `email` claim (no mail attribute known), which
   * Identity Center then refuses, as it refuses a real person it has no user for.
   */
  async mint(options: MintOptions): Promise<string> {
    if (!GUID.test(options.aadObjectId ?? '')) throw new Error(`"${String(options.aadObjectId)}" is not an Entra object id`);
    const user = userByObjectId(options.aadObjectId) ?? { aadObjectId: options.aadObjectId.toLowerCase(), name: 'Person outside the sample directory' };
    const tenantId = options.tenantId ?? LOCAL_TENANT_ID;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = now + (options.expiresInSeconds ?? 3600);
    return new SignJWT({
      tid: tenantId,
      oid: user.aadObjectId,
      name: user.name,
      ...('email' in user ? { preferred_username: user.email, email: user.email } : {}),
      scp: options.scope ?? 'access_as_user',
      azp: TEAMS_CLIENT_ID,
      ver: '2.0',
      uti: randomUUID(),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'local-entra-key-1', typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer(tenantId))
      .setAudience(options.audience ?? LOCAL_AAD_CLIENT_ID)
      .setSubject(`sub-${user.aadObjectId.slice(0, 8)}`)
      .setIssuedAt(Math.min(now, expiresAt - 60))
      .setNotBefore(Math.min(now, expiresAt - 60))
      .setExpirationTime(expiresAt)
      .sign(options.signWithUnknownKey ? this.unknownKey : this.signingKey);
  }
}
