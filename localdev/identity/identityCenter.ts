/**
 * A local stand-in for IAM Identity Center's `CreateTokenWithIAM` (sso-oauth, restJson1,
 * `POST /token?aws_iam=t`) for one customer-managed application with a trusted token issuer:
 * checks the assertion as the trusted token issuer would (signature, issuer, audience, `email`
 * claim → a user's `emails.value`), refuses reused assertions, and supports `refresh_token`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { DIRECTORY, LOCAL_AAD_CLIENT_ID, LOCAL_IDC_APPLICATION_ARN } from '../directory';
import { json, type Exchange } from '../http';
import { verifiedBotKey } from './botKeys';
import type { LocalEntraIssuer } from './entra';
import { IdentityState, type IdentityContext, type LocalIdentityServiceContext } from './state';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ID_TOKEN_KEY = randomBytes(32);

export interface IdentityCenterContext extends LocalIdentityServiceContext {
  entra: LocalEntraIssuer;
}

class OidcError extends Error {
  constructor(
    readonly type: string,
    readonly oauthError: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function handleCreateTokenWithIAM(exchange: Exchange, context: IdentityCenterContext): Promise<void> {
  const requestId = IdentityState.requestId();
  try {
    const caller = await verifiedBotKey(exchange, 'sso-oauth', context.state);
    if (!caller) throw new OidcError('AccessDeniedException', 'access_denied', 'Request is not signed with a valid AWS Signature Version 4 for sso-oauth.', 403);
    const body = JSON.parse(exchange.body || '{}') as Record<string, string>;
    context.record('CreateTokenWithIAM', caller, { clientId: body.clientId, grantType: body.grantType });
    const fault = context.fault('CreateTokenWithIAM');
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.error) throw injectedFault(fault.error, fault.message);
    if (body.clientId !== LOCAL_IDC_APPLICATION_ARN) {
      throw new OidcError('InvalidClientException', 'invalid_client', `Application ${body.clientId} was not found in this Identity Center instance.`);
    }
    const identity = body.grantType === JWT_BEARER ? await fromAssertion(body.assertion ?? '', context) : body.grantType === 'refresh_token' ? fromRefreshToken(body.refreshToken ?? '', context) : undefined;
    if (!identity) throw new OidcError('UnsupportedGrantTypeException', 'unsupported_grant_type', `Grant type ${body.grantType} is not enabled for this application.`);
    json(exchange, 200, await tokensFor(identity, body.grantType === 'refresh_token' ? body.refreshToken : undefined, context), { 'x-amzn-requestid': requestId });
  } catch (error) {
    const failure = error instanceof OidcError ? error : new OidcError('InvalidRequestException', 'invalid_request', (error as Error).message);
    json(exchange, failure.status, { error: failure.oauthError, error_description: failure.message }, { 'x-amzn-errortype': failure.type, 'x-amzn-requestid': requestId });
  }
}

/** SSO OIDC's server-side errors are 5xx; the rest of its model's errors are the client's fault (400). */
const SERVER_SIDE = new Set(['InternalServerException']);

function injectedFault(type: string, message = `Injected ${type}`): OidcError {
  return SERVER_SIDE.has(type) ? new OidcError(type, 'server_error', message, 500) : new OidcError(type, 'invalid_grant', message);
}

async function fromAssertion(assertion: string, context: IdentityCenterContext): Promise<IdentityContext> {
  const fingerprint = createHash('sha256').update(assertion).digest('hex');
  if (context.state.usedAssertions.has(fingerprint)) throw new OidcError('InvalidGrantException', 'invalid_grant', 'The assertion has already been used.');
  context.state.usedAssertions.add(fingerprint);
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(assertion, createLocalJWKSet({ keys: [context.entra.publicJwk] }), {
      issuer: context.entra.issuer(),
      audience: LOCAL_AAD_CLIENT_ID,
      currentDate: context.clock.now(),
    }));
  } catch (error) {
    throw new OidcError('InvalidGrantException', 'invalid_grant', `The assertion was not accepted by the trusted token issuer: ${(error as Error).message}`);
  }
  const email = claims.email;
  const user = DIRECTORY.find((candidate) => candidate.idcUserId && candidate.email === email);
  if (!user?.idcUserId) throw new OidcError('InvalidGrantException', 'invalid_grant', 'No Identity Center user has emails.value matching the email claim of the assertion.');
  return { idcUserId: user.idcUserId, email: user.email };
}

function fromRefreshToken(refreshToken: string, context: IdentityCenterContext): IdentityContext {
  const stored = context.state.refreshTokens.get(refreshToken);
  if (!stored || stored.revoked) throw new OidcError('InvalidGrantException', 'invalid_grant', 'The refresh token is invalid, expired or revoked.');
  return { idcUserId: stored.idcUserId, email: stored.email };
}

async function tokensFor(identity: IdentityContext, existingRefreshToken: string | undefined, context: IdentityCenterContext): Promise<unknown> {
  const identityContext = context.state.newIdentityContext(identity);
  const now = Math.floor(context.clock.now().getTime() / 1000);
  const idToken = await new SignJWT({ 'sts:identity_context': identityContext, 'sts:audit_context': randomBytes(8).toString('hex') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('https://identitycenter.amazonaws.com/ssoins-7223a1b2c3d4e5f6')
    .setAudience(LOCAL_IDC_APPLICATION_ARN)
    .setSubject(identity.idcUserId)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(ID_TOKEN_KEY);
  return {
    accessToken: `aoaAAAAA${randomBytes(32).toString('base64url')}`,
    tokenType: 'Bearer',
    expiresIn: 3600,
    refreshToken: existingRefreshToken ?? context.state.newRefreshToken(identity),
    idToken,
    issuedTokenType: 'urn:ietf:params:oauth:token-type:refresh_token',
    scope: ['qbusiness:conversations:access', 'qbusiness:messages:access'],
    awsAdditionalDetails: { identityContext },
  };
}
