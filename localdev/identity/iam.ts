/**
 * The local AWS account's IAM — the one model of it that the local STS (web identity), the
 * managed identity's trust and the doctor's administrator reads (localdev/admin/) all use:
 * OIDC identity providers and roles with trust and permission policies, the decision IAM makes
 * for `AssumeRoleWithWebIdentity`, and the policy simulator's answer (policyEvaluator.ts).
 *
 * Shape (kept small so other local APIs can read it, e.g. GetRole / GetOpenIDConnectProvider):
 * - `providers`: by ARN `arn:aws:iam::<account>:oidc-provider/<host/path>`, each with `url`
 *   (host and path, no scheme: how IAM names the provider and its condition keys), `clientIds`
 *   (the provider's client id list) and `keys` (the issuer's JWKS, which real IAM fetches through
 *   the issuer's OpenID discovery; here it is registered with the provider).
 * - `roles`: by ARN, each with `name`, `trustPolicy` (the document, parsed) and
 *   `permissionPolicies` (inline policies by name, parsed).
 *
 * The decision follows IAM: the token's `iss` selects the provider; the signature must verify with
 * its keys and the token be unexpired; `aud` must be one of the client ids, and so must `azp` when
 * the token has one (IAM compares `azp` for some issuers: Entra v2 tokens are refused with
 * "Incorrect token audience" when only `aud` is listed); then a statement of the role's trust must
 * allow `sts:AssumeRoleWithWebIdentity` for that provider with every condition met
 * (`StringEquals` / `StringLike` on `<url>:sub`, `<url>:aud` — `azp` when present — and `<url>:oaud`).
 */
import { evaluate, type EvalDecision, type PolicyDocument } from './policyEvaluator';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export const LOCAL_AWS_ACCOUNT_ID = '111122223333';

export interface LocalOidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
  keys: JSONWebKeySet;
}

export interface TrustStatement {
  Effect: string;
  Principal?: { Federated?: string | string[]; AWS?: string | string[] };
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface LocalRole {
  arn: string;
  name: string;
  trustPolicy: { Version: string; Statement: TrustStatement[] };
  /** Inline permission policies by name (PutRolePolicy). */
  permissionPolicies: Record<string, PolicyDocument>;
}

export type WebIdentityDecision =
  | { allowed: true; provider: LocalOidcProvider; role: LocalRole; subject: string; audience: string }
  | { allowed: false; code: 'InvalidIdentityToken' | 'ExpiredTokenException' | 'AccessDenied' | 'IDPRejectedClaim'; message: string; status: number };

export class LocalIam {
  readonly providers = new Map<string, LocalOidcProvider>();
  readonly roles = new Map<string, LocalRole>();

  /** Like CreateOpenIDConnectProvider: `url` with or without `https://`. */
  addOidcProvider(url: string, clientIds: string[], keys: JSONWebKeySet): LocalOidcProvider {
    const bare = url.replace(/^https:\/\//, '');
    const provider = { arn: `arn:aws:iam::${LOCAL_AWS_ACCOUNT_ID}:oidc-provider/${bare}`, url: bare, clientIds: [...clientIds], keys };
    this.providers.set(provider.arn, provider);
    return provider;
  }

  putRole(name: string, trustPolicy: LocalRole['trustPolicy'], permissionPolicies: Record<string, PolicyDocument> = {}): LocalRole {
    const role = { arn: `arn:aws:iam::${LOCAL_AWS_ACCOUNT_ID}:role/${name}`, name, trustPolicy, permissionPolicies };
    this.roles.set(role.arn, role);
    return role;
  }

  role(arn: string): LocalRole | undefined {
    return this.roles.get(arn);
  }

  clear(): void {
    this.providers.clear();
    this.roles.clear();
  }

  /** SimulatePrincipalPolicy for a role: its permission policies' decision, or undefined when there is no such role. */
  simulate(roleArn: string, action: string, resource: string): EvalDecision | undefined {
    const role = this.roles.get(roleArn);
    return role ? evaluate(Object.values(role.permissionPolicies), action, resource) : undefined;
  }

  async decideWebIdentity(roleArn: string, token: string, now: Date): Promise<WebIdentityDecision> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return refuse('InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
    }
    const issuer = String(unverified.iss ?? '');
    const provider = [...this.providers.values()].find((candidate) => `https://${candidate.url}` === issuer);
    if (!provider) return refuse('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${issuer}`);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(provider.keys), { issuer, currentDate: now }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return refuse('ExpiredTokenException', 'Token expired: current date/time must be before the expiration date/time.');
      return refuse('InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS: its signature does not match the keys of the identity provider.');
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [String(claims.aud ?? '')];
    const azp = typeof claims.azp === 'string' ? claims.azp : undefined;
    if (!audiences.some((audience) => provider.clientIds.includes(audience)) || (azp !== undefined && !provider.clientIds.includes(azp))) {
      return refuse('InvalidIdentityToken', 'Incorrect token audience');
    }
    const role = this.roles.get(roleArn);
    const context: Record<string, string> = { [`${provider.url}:sub`]: String(claims.sub ?? ''), [`${provider.url}:aud`]: azp ?? audiences[0] ?? '', [`${provider.url}:oaud`]: audiences[0] ?? '' };
    if (!role || !role.trustPolicy.Statement.some((statement) => allows(statement, provider.arn, context))) {
      return refuse('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    return { allowed: true, provider, role, subject: String(claims.sub ?? ''), audience: azp ?? audiences[0] ?? '' };
  }
}

function refuse(code: Exclude<WebIdentityDecision, { allowed: true }>['code'], message: string, status = 400): WebIdentityDecision {
  return { allowed: false, code, message, status };
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function allows(statement: TrustStatement, providerArn: string, context: Record<string, string>): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!list(statement.Principal?.Federated).includes(providerArn)) return false;
  if (!list(statement.Action).includes('sts:AssumeRoleWithWebIdentity')) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, wanted]) => {
      const actual = context[key];
      // A condition on a key the request does not carry is not met (no IfExists operators here).
      if (actual === undefined) return false;
      if (operator === 'StringEquals') return list(wanted).includes(actual);
      if (operator === 'StringLike') return list(wanted).some((pattern) => globMatches(pattern, actual));
      return false;
    }),
  );
}

function globMatches(pattern: string, value: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(value);
}
