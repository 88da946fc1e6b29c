/**
 * A local stand-in for STS `AssumeRole` and `AssumeRoleWithWebIdentity` (awsQuery: form-encoded
 * request, XML response). With an Identity Center context in `ProvidedContexts` AssumeRole's
 * temporary credentials are identity-aware: the local Q Business service knows which person they
 * belong to. AssumeRoleWithWebIdentity (unsigned, as in AWS) is decided by the local IAM
 * (./iam.ts): the bot's Azure managed identity gets its role's credentials only through a provider
 * and trust that match its token.
 */
import { LOCAL_Q_USER_ROLE_ARN } from '../directory';
import type { Exchange } from '../http';
import { verifiedBotKey } from './botKeys';
import type { LocalIam } from './iam';
import { IdentityState, type LocalIdentityServiceContext } from './state';

const IDENTITY_CENTER_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
const MAX_SESSION_SECONDS = 3600;

export type StsContext = LocalIdentityServiceContext & { iam: LocalIam };

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function isStsRequest(exchange: Exchange): boolean {
  return exchange.method === 'POST' && exchange.url.pathname === '/' && /Action=/.test(exchange.body);
}

export async function handleSts(exchange: Exchange, context: StsContext): Promise<void> {
  const requestId = IdentityState.requestId();
  const params = new URLSearchParams(exchange.body);
  try {
    if (params.get('Action') === 'AssumeRoleWithWebIdentity') return await assumeRoleWithWebIdentity(exchange, params, context, requestId);
    const caller = await verifiedBotKey(exchange, 'sts', context.state);
    if (!caller) throw new StsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
    if (params.get('Action') !== 'AssumeRole') throw new StsError('InvalidAction', `Could not find operation ${params.get('Action')} for version ${params.get('Version')}`);
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const providerArn = params.get('ProvidedContexts.member.1.ProviderArn');
    const assertion = params.get('ProvidedContexts.member.1.ContextAssertion');
    context.record('AssumeRole', caller, { roleArn, roleSessionName: sessionName, providerArn, durationSeconds: params.get('DurationSeconds') });
    const fault = context.fault('AssumeRole');
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.error) throw new StsError(fault.error, fault.message ?? `Injected ${fault.error}`, fault.error === 'AccessDenied' ? 403 : 400);
    if (roleArn !== LOCAL_Q_USER_ROLE_ARN) throw new StsError('AccessDenied', `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new StsError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint");
    const duration = Number(params.get('DurationSeconds') ?? MAX_SESSION_SECONDS);
    if (duration > MAX_SESSION_SECONDS) throw new StsError('ValidationError', `The requested DurationSeconds exceeds the ${MAX_SESSION_SECONDS} seconds allowed for role chaining.`);
    let idcUserId: string | undefined;
    if (providerArn || assertion) {
      const identity = assertion ? context.state.contexts.get(assertion) : undefined;
      if (providerArn !== IDENTITY_CENTER_PROVIDER || !identity) throw new StsError('InvalidParameterValue', 'The provided context assertion is not valid for the context provider.');
      idcUserId = identity.idcUserId;
    }
    const issued = context.state.issueCredentials(new Date(context.clock.now().getTime() + duration * 1000), sessionName, idcUserId);
    const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
${assumedRoleXml(roleArn, sessionName, 'AROAEXAMPLELOCALROLE', issued)}
    <PackedPolicySize>0</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
    exchange.respond(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, xml);
  } catch (error) {
    const failure = error instanceof StsError ? error : new StsError('InternalFailure', (error as Error).message, 500);
    const xml = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    exchange.respond(failure.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, xml);
  }
}

async function assumeRoleWithWebIdentity(exchange: Exchange, params: URLSearchParams, context: StsContext, requestId: string): Promise<void> {
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  const token = params.get('WebIdentityToken') ?? '';
  context.record('AssumeRoleWithWebIdentity', 'web-identity', { roleArn, roleSessionName: sessionName, durationSeconds: params.get('DurationSeconds') });
  const fault = context.fault('AssumeRoleWithWebIdentity');
  if (fault?.error) throw new StsError(fault.error, fault.message ?? `Injected ${fault.error}`, fault.error === 'AccessDenied' ? 403 : 400);
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new StsError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint");
  const duration = Number(params.get('DurationSeconds') ?? MAX_SESSION_SECONDS);
  if (duration > MAX_SESSION_SECONDS) throw new StsError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);
  const decision = await context.iam.decideWebIdentity(roleArn, token, context.clock.now());
  if (!decision.allowed) throw new StsError(decision.code, decision.message, decision.status);
  const issued = context.state.issueCredentials(new Date(context.clock.now().getTime() + duration * 1000), sessionName, undefined, roleArn);
  const xml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${escapeXml(decision.subject)}</SubjectFromWebIdentityToken>
    <Audience>${escapeXml(decision.audience)}</Audience>
${assumedRoleXml(roleArn, sessionName, 'AROAEXAMPLEWEBIDENTITY', issued)}
    <Provider>${escapeXml(decision.provider.url)}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
  exchange.respond(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, xml);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The assumed-role user and its credentials, as both AssumeRole answers carry them. */
function assumedRoleXml(roleArn: string, sessionName: string, roleId: string, issued: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }): string {
  return `    <AssumedRoleUser>
      <Arn>${escapeXml(roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'))}/${escapeXml(sessionName)}</Arn>
      <AssumedRoleId>${roleId}:${escapeXml(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${escapeXml(issued.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${escapeXml(issued.sessionToken)}</SessionToken>
      <Expiration>${issued.expiration.toISOString()}</Expiration>
    </Credentials>`;
}
