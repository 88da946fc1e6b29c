/**
 * The read-only administration calls of AWS the doctor makes, served from the admin data with
 * each service's own protocol: STS GetCallerIdentity and IAM GetRole / GetOpenIDConnectProvider
 * (awsQuery, XML), IAM Identity Center admin and identity store reads (awsJson1_1), and Q Business
 * GetApplication / ListSubscriptions (restJson1 over HTTP/2). Callers are the administrators'
 * keys (data.ts), checked with SigV4 like AWS does; each sees only its own account and, for
 * Regional services, the Region it signed for. Anything that would write is not served.
 */
import { json, type Exchange } from '../http';
import { IdentityState } from '../identity/state';
import { signatureMatches, signatureScope } from '../sigv4';
import { LOCAL_ADMIN_KEYS, type AdminData } from './data';

interface Caller {
  accountId: string;
  arn: string;
  region: string;
  service: string;
}

/** The administrator behind a validly signed request, or undefined (then it is not ours to answer). */
async function adminCaller(exchange: Exchange): Promise<Caller | undefined> {
  const scope = signatureScope(exchange);
  const key = scope ? LOCAL_ADMIN_KEYS[scope.accessKeyId] : undefined;
  if (!scope || !key) return undefined;
  if (!(await signatureMatches(exchange, { accessKeyId: scope.accessKeyId, secretAccessKey: key.secretAccessKey }))) return undefined;
  return { accountId: key.accountId, arn: key.arn, region: scope.region, service: scope.service };
}

class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** True when the request was an administrator's read and has been answered. */
export async function handleAdminAws(exchange: Exchange, data: AdminData): Promise<boolean> {
  const scope = signatureScope(exchange);
  if (!scope || !LOCAL_ADMIN_KEYS[scope.accessKeyId]) return false;
  const caller = await adminCaller(exchange);
  const requestId = IdentityState.requestId();
  const service = scope.service;
  try {
    if (!caller) throw new AwsError(service === 'iam' || service === 'sts' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.', 403);
    if (service === 'sts' || service === 'iam') return query(exchange, data, caller, requestId), true;
    if (service === 'sso' || service === 'identitystore') return jsonRpc(exchange, data, caller, requestId), true;
    if (service === 'qbusiness') return qbusiness(exchange, data, caller, requestId), true;
    throw new AwsError('UnknownOperationException', `The local services do not serve ${service} for administrators.`);
  } catch (error) {
    const failure = error instanceof AwsError ? error : new AwsError('InternalFailure', (error as Error).message, 500);
    if (service === 'sts' || service === 'iam') queryError(exchange, failure, requestId);
    else json(exchange, failure.status, { __type: failure.code, message: failure.message }, { 'x-amzn-errortype': failure.code, 'x-amzn-requestid': requestId });
    return true;
  }
}

const xmlEscape = (text: string): string => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);

function queryError(exchange: Exchange, failure: AwsError, requestId: string): void {
  exchange.respond(failure.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, `<ErrorResponse><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
}

function query(exchange: Exchange, data: AdminData, caller: Caller, requestId: string): void {
  const params = new URLSearchParams(exchange.body);
  const action = params.get('Action') ?? '';
  data.served.push(`${caller.service} ${action}`);
  const respond = (result: string): void => {
    const ns = caller.service === 'sts' ? 'https://sts.amazonaws.com/doc/2011-06-15/' : 'https://iam.amazonaws.com/doc/2010-05-08/';
    exchange.respond(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, `<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
  };
  if (caller.service === 'sts' && action === 'GetCallerIdentity') return respond(`<Arn>${caller.arn}</Arn><UserId>AIDALOCALADMIN</UserId><Account>${caller.accountId}</Account>`);
  if (caller.service === 'iam' && action === 'GetRole') {
    const name = params.get('RoleName') ?? '';
    const role = data.roles.find((candidate) => candidate.arn === `arn:aws:iam::${caller.accountId}:role/${name}`);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return respond(
      `<Role><Path>/</Path><RoleName>${xmlEscape(name)}</RoleName><RoleId>AROALOCAL${name.length}</RoleId><Arn>${role.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${encodeURIComponent(JSON.stringify(role.trustPolicy))}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role>`,
    );
  }
  if (caller.service === 'iam' && action === 'GetOpenIDConnectProvider') {
    const arn = params.get('OpenIDConnectProviderArn') ?? '';
    const provider = data.oidcProviders.find((candidate) => candidate.arn === arn && arn.startsWith(`arn:aws:iam::${caller.accountId}:`));
    if (!provider) throw new AwsError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404);
    const members = (values: string[]): string => values.map((value) => `<member>${xmlEscape(value)}</member>`).join('');
    return respond(`<Url>${xmlEscape(provider.url)}</Url><ClientIDList>${members(provider.clientIds)}</ClientIDList><ThumbprintList></ThumbprintList><CreateDate>2026-01-01T00:00:00Z</CreateDate>`);
  }
  throw new AwsError('InvalidAction', `The local services do not serve ${caller.service} ${action} (only the doctor's reads).`);
}

function jsonRpc(exchange: Exchange, data: AdminData, caller: Caller, requestId: string): void {
  const operation = String(exchange.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
  const input = JSON.parse(exchange.body || '{}') as Record<string, any>;
  const reply = (payload: unknown): void => json(exchange, 200, payload, { 'x-amzn-requestid': requestId });
  data.served.push(`${caller.service} ${operation}`);
  // Identity Center is one instance in one account and Region: elsewhere it does not exist.
  const instances = data.instances.filter((instance) => instance.ownerAccountId === caller.accountId && instance.region === caller.region);
  const visible = (instanceArn: string): boolean => instances.some((instance) => instance.instanceArn === instanceArn);
  const notFound = (what: string): AwsError => new AwsError('ResourceNotFoundException', `${what} does not exist.`);
  const application = (): (typeof data.applications)[number] => {
    const found = data.applications.find((candidate) => candidate.arn === input.ApplicationArn && visible(candidate.instanceArn));
    if (!found) throw notFound(`Application ${input.ApplicationArn}`);
    return found;
  };
  switch (`${caller.service} ${operation}`) {
    case 'sso ListInstances':
      return reply({ Instances: instances.map((instance) => ({ InstanceArn: instance.instanceArn, IdentityStoreId: instance.identityStoreId, OwnerAccountId: instance.ownerAccountId, Name: 'local', Status: 'ACTIVE' })) });
    case 'sso ListTrustedTokenIssuers':
      if (!visible(input.InstanceArn)) throw notFound(`Instance ${input.InstanceArn}`);
      return reply({ TrustedTokenIssuers: data.trustedTokenIssuers.filter((issuer) => issuer.instanceArn === input.InstanceArn).map((issuer) => ({ TrustedTokenIssuerArn: issuer.arn, Name: issuer.name, TrustedTokenIssuerType: 'OIDC_JWT' })) });
    case 'sso DescribeTrustedTokenIssuer': {
      const issuer = data.trustedTokenIssuers.find((candidate) => candidate.arn === input.TrustedTokenIssuerArn && visible(candidate.instanceArn));
      if (!issuer) throw notFound(`Trusted token issuer ${input.TrustedTokenIssuerArn}`);
      return reply({
        TrustedTokenIssuerArn: issuer.arn,
        Name: issuer.name,
        TrustedTokenIssuerType: 'OIDC_JWT',
        TrustedTokenIssuerConfiguration: { OidcJwtConfiguration: { IssuerUrl: issuer.issuerUrl, ClaimAttributePath: issuer.claimAttributePath, IdentityStoreAttributePath: issuer.identityStoreAttributePath, JwksRetrievalOption: 'OPEN_ID_DISCOVERY' } },
      });
    }
    case 'sso DescribeApplication': {
      const found = application();
      return reply({ ApplicationArn: found.arn, ApplicationProviderArn: 'arn:aws:sso::aws:applicationProvider/custom', Name: found.name, InstanceArn: found.instanceArn, Status: 'ENABLED', ApplicationAccount: caller.accountId });
    }
    case 'sso GetApplicationGrant': {
      const found = application();
      if (input.GrantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && found.jwtBearer) return reply({ Grant: { JwtBearer: { AuthorizedTokenIssuers: found.jwtBearer } } });
      if (input.GrantType === 'refresh_token' && found.refreshToken) return reply({ Grant: { RefreshToken: {} } });
      throw notFound(`Grant ${input.GrantType}`);
    }
    case 'sso ListApplicationAccessScopes':
      return reply({ Scopes: application().scopes.map((scope) => ({ Scope: scope })) });
    case 'sso GetApplicationAuthenticationMethod': {
      const found = application();
      if (input.AuthenticationMethodType !== 'IAM' || !found.actorPolicy) throw notFound('Authentication method');
      return reply({ AuthenticationMethod: { Iam: { ActorPolicy: found.actorPolicy } } });
    }
    case 'identitystore GetUserId': {
      const store = instances.find((instance) => instance.identityStoreId === input.IdentityStoreId);
      if (!store) throw notFound(`Identity store ${input.IdentityStoreId}`);
      const { AttributePath: path, AttributeValue: value } = input.AlternateIdentifier?.UniqueAttribute ?? {};
      const users = data.users.filter((user) => user.identityStoreId === store.identityStoreId);
      // E-mails match exactly; user names are case-insensitive, as Identity Center treats them.
      const user =
        path === 'emails.value' ? users.find((candidate) => candidate.emails.includes(String(value))) : path === 'userName' ? users.find((candidate) => candidate.userName.toLowerCase() === String(value).toLowerCase()) : undefined;
      if (!user) throw notFound('USER');
      return reply({ IdentityStoreId: store.identityStoreId, UserId: user.userId });
    }
    case 'identitystore DescribeUser': {
      const user = data.users.find((candidate) => candidate.userId === input.UserId && candidate.identityStoreId === input.IdentityStoreId && instances.some((instance) => instance.identityStoreId === input.IdentityStoreId));
      if (!user) throw notFound(`User ${input.UserId}`);
      return reply({ IdentityStoreId: user.identityStoreId, UserId: user.userId, UserName: user.userName, DisplayName: user.displayName, Emails: user.emails.map((value, index) => ({ Value: value, Type: 'work', Primary: index === 0 })) });
    }
    case 'identitystore ListGroupMembershipsForMember': {
      const userId = input.MemberId?.UserId;
      const groups = data.groups.filter((group) => group.identityStoreId === input.IdentityStoreId && group.members.includes(userId));
      return reply({ GroupMemberships: groups.map((group) => ({ IdentityStoreId: group.identityStoreId, MembershipId: `m-${group.groupId}-${userId}`, GroupId: group.groupId, MemberId: { UserId: userId } })) });
    }
    default:
      throw new AwsError('UnknownOperationException', `The local services do not serve ${caller.service} ${operation} (only the doctor's reads).`);
  }
}

function qbusiness(exchange: Exchange, data: AdminData, caller: Caller, requestId: string): void {
  const match = /^\/applications\/([^/]+)(\/subscriptions|\/indices(?:\/([^/]+)(\/datasources)?)?)?$/.exec(exchange.url.pathname);
  data.served.push(`qbusiness ${exchange.method} ${exchange.url.pathname}`);
  if (exchange.method !== 'GET' || !match) throw new AwsError('AccessDeniedException', 'The local services serve administrators only GetApplication, ListSubscriptions, ListIndices, GetIndex and ListDataSources.', 403);
  const application = data.qApplications.find((candidate) => candidate.applicationId === match[1] && candidate.accountId === caller.accountId && candidate.region === caller.region);
  if (!application) {
    json(exchange, 404, { message: `Application ${match[1]} not found.`, resourceId: match[1], resourceType: 'application' }, { 'x-amzn-errortype': 'ResourceNotFoundException', 'x-amzn-requestid': requestId });
    return;
  }
  const arn = `arn:aws:qbusiness:${application.region}:${application.accountId}:application/${application.applicationId}`;
  if (match[2]?.startsWith('/indices')) return indexReads(exchange, match[3], Boolean(match[4]), requestId);
  if (match[2]) {
    return json(
      exchange,
      200,
      { subscriptions: application.subscriptions.map((subscription, index) => ({ subscriptionId: `sub-${index}`, subscriptionArn: `${arn}/subscription/sub-${index}`, principal: subscription.principal, currentSubscription: { type: subscription.type } })) },
      { 'x-amzn-requestid': requestId },
    );
  }
  return json(
    exchange,
    200,
    {
      applicationId: application.applicationId,
      applicationArn: arn,
      displayName: application.displayName,
      identityType: application.identityType,
      identityCenterApplicationArn: application.identityCenterApplicationArn,
      status: 'ACTIVE',
      autoSubscriptionConfiguration: { autoSubscribe: application.autoSubscribe ? 'ENABLED' : 'DISABLED' },
    },
    { 'x-amzn-requestid': requestId },
  );
}

/**
 * The local Q's one index, holding the sample documents (localdev/qbusiness/documents): the data
 * sources their front matter names, and no custom attributes (only Q's reserved ones).
 */
const LOCAL_INDEX = { indexId: 'idx-local-documents', displayName: 'Sample documents', dataSources: ['hr-finance-sharepoint', 'it-wiki'] };

function indexReads(exchange: Exchange, indexId: string | undefined, dataSources: boolean, requestId: string): void {
  const headers = { 'x-amzn-requestid': requestId };
  if (!indexId) return json(exchange, 200, { indices: [{ indexId: LOCAL_INDEX.indexId, displayName: LOCAL_INDEX.displayName, status: 'ACTIVE' }] }, headers);
  if (indexId !== LOCAL_INDEX.indexId) return json(exchange, 404, { message: `Index ${indexId} not found.`, resourceId: indexId, resourceType: 'index' }, { ...headers, 'x-amzn-errortype': 'ResourceNotFoundException' });
  if (dataSources) return json(exchange, 200, { dataSources: LOCAL_INDEX.dataSources.map((id) => ({ dataSourceId: id, displayName: id, type: 'CUSTOM', status: 'ACTIVE' })) }, headers);
  return json(exchange, 200, { indexId, displayName: LOCAL_INDEX.displayName, status: 'ACTIVE', documentAttributeConfigurations: [] }, headers);
}
