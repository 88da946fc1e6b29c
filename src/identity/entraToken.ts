/**
 * Checks a Teams SSO token before anything uses it: signature against the tenant's published
 * keys (OpenID discovery → JWKS, via jose), issuer `…/{tenant}/v2.0`, audience = the SSO app,
 * lifetime, and that it belongs to the tenant and person of the activity that carried it.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { IdentityFailure } from './identityFailure';

export interface TokenHolder {
  tenantId?: string;
  aadObjectId?: string;
}

export interface ValidatedToken {
  token: string;
  oid: string;
  tid: string;
  expiresAt: Date;
}

interface ValidatorSettings {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  /** The delegated scope the SSO app exposes to Teams; default `access_as_user`. */
  requiredScope?: string;
}

export const SSO_SCOPE = 'access_as_user';

const CLOCK_TOLERANCE_SECONDS = 60;

export class EntraTokenValidator {
  private keys?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(
    private readonly settings: ValidatorSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get issuer(): string {
    return `${this.settings.authorityHost}/${this.settings.tenantId}/v2.0`;
  }

  async validate(token: string, holder: TokenHolder): Promise<ValidatedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.issuer,
        audience: this.settings.clientId,
        algorithms: ['RS256'],
        currentDate: this.now(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (error instanceof IdentityFailure) throw error;
      throw new IdentityFailure('tokenRejected', describeJoseError(error, token), undefined, { cause: error });
    }
    const { oid, tid, exp, scp } = payload as JWTPayload & { oid?: unknown; tid?: unknown; scp?: unknown };
    const scope = this.settings.requiredScope ?? SSO_SCOPE;
    // Audience alone admits any token for the app (e.g. app-only or other delegated scopes).
    if (typeof scp !== 'string' || !scp.split(' ').includes(scope)) throw new IdentityFailure('tokenRejected', `the token does not carry the ${scope} scope (scp)`);
    if (typeof oid !== 'string' || typeof tid !== 'string') throw new IdentityFailure('tokenRejected', 'the token has no oid/tid claims');
    if (tid !== this.settings.tenantId || (holder.tenantId && holder.tenantId !== tid)) {
      throw new IdentityFailure('tokenRejected', 'the token was issued for another tenant than the activity');
    }
    if (!holder.aadObjectId || holder.aadObjectId !== oid) throw new IdentityFailure('tokenRejected', 'the token belongs to another user than the one who sent the activity');
    return { token, oid, tid, expiresAt: new Date((exp ?? 0) * 1000) };
  }

  /** Discovery once, then jose's remote key set (cached, refreshed when an unknown kid shows up). */
  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.keys ??= (async () => {
      const response = await fetch(`${this.issuer}/.well-known/openid-configuration`);
      if (!response.ok) throw new Error(`OpenID discovery for ${this.issuer} answered ${response.status}`);
      const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
      if (!jwksUri) throw new Error(`OpenID discovery for ${this.issuer} has no jwks_uri`);
      return createRemoteJWKSet(new URL(jwksUri));
    })().catch((error: Error) => {
      this.keys = undefined;
      throw new IdentityFailure('unavailable', `could not load the signing keys of ${this.issuer}: ${error.message}`, undefined, { cause: error });
    });
    return this.keys;
  }
}

function describeJoseError(error: unknown, token: string): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss' && /sts\.windows\.net/.test(issuerOf(token))) {
      return 'the token is a v1 token (issuer sts.windows.net): the SSO app must issue v2 tokens (requestedAccessTokenVersion / accessTokenAcceptedVersion = 2 in aad.manifest.json, then provision again)';
    }
    return `the token's ${error.claim} claim is not what this bot expects`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'the token signature does not match the tenant\'s published keys';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  return 'the token is malformed';
}

function issuerOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: string };
    return payload.iss ?? '';
  } catch {
    return '';
  }
}
