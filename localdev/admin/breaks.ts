/**
 * Misconfigurations an operator really makes, one named piece at a time, applied to the admin
 * data (tests, and `POST /_local/admin/break {"piece": …}` to see a broken doctor run).
 */
import type { AdminData } from './data';

const first = <T>(items: T[], what: string): T => {
  const item = items[0];
  if (!item) throw new Error(`the admin data has no ${what} left to break`);
  return item;
};
const person = (data: AdminData, email: string) => {
  const user = data.entraUsers.find((candidate) => candidate.mail === email);
  if (!user) throw new Error(`no Entra user ${email}`);
  return user;
};

export const BREAKS: Record<string, (data: AdminData) => void> = {
  'q-application-missing': (data) => void data.qApplications.splice(0),
  'q-identity-type': (data) => void (first(data.qApplications, 'Q application').identityType = 'AWS_IAM_IDP_OIDC'),
  'idc-other-region': (data) => void (first(data.instances, 'instance').region = 'eu-west-1'),
  'idc-other-account': (data) => {
    first(data.instances, 'instance').ownerAccountId = '444455556666';
    const q = first(data.qApplications, 'Q application');
    q.identityCenterApplicationArn = q.identityCenterApplicationArn.replace(/::\d{12}:/, '::444455556666:');
  },
  'federated-credential-missing': (data) => void (first(data.entraApps, 'app registration').federatedIdentityCredentials = []),
  'issuer-v1': (data) => void (first(data.trustedTokenIssuers, 'issuer').issuerUrl = `https://sts.windows.net/${data.ids.tenantId}/`),
  'claim-mapping': (data) => void (first(data.trustedTokenIssuers, 'issuer').claimAttributePath = 'upn'),
  'idc-application-missing': (data) => void data.applications.splice(0),
  'jwt-grant-issuer': (data) => void (first(data.applications, 'application').jwtBearer = [{ TrustedTokenIssuerArn: data.ids.issuerArn.replace(/tti-[\w-]+$/, 'tti-someone-else'), AuthorizedAudiences: [data.ids.ssoClientId] }]),
  'jwt-grant-missing': (data) => void delete first(data.applications, 'application').jwtBearer,
  'jwt-grant-audience': (data) => void (first(data.applications, 'application').jwtBearer = [{ TrustedTokenIssuerArn: data.ids.issuerArn, AuthorizedAudiences: [data.ids.resourceUri] }]),
  'refresh-grant': (data) => void (first(data.applications, 'application').refreshToken = false),
  'access-scopes': (data) => void (first(data.applications, 'application').scopes = ['qbusiness:conversations:access']),
  'actor-policy': (data) => {
    const application = first(data.applications, 'application');
    application.actorPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/SomeOtherRole' }, Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }] };
  },
  'user-role-set-context': (data) => {
    const role = data.iam.role(data.ids.qUserRoleArn);
    if (role) role.trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: data.ids.botRoleArn }, Action: 'sts:AssumeRole' }] };
  },
  'user-role-principal': (data) => {
    const role = data.iam.role(data.ids.qUserRoleArn);
    if (role) role.trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['sts:AssumeRole', 'sts:SetContext'] }] };
  },
  // The old setup: a v1 issuer provider with the token-exchange URI as its only client id.
  'oidc-provider-v1': (data) => {
    const provider = first([...data.iam.providers.values()], 'OIDC provider');
    data.iam.providers.delete(provider.arn);
    data.iam.addOidcProvider(`https://sts.windows.net/${data.ids.botTenantId}/`, ['api://AzureADTokenExchange'], provider.keys);
  },
  'oidc-client-ids': (data) => void (first([...data.iam.providers.values()], 'OIDC provider').clientIds = ['api://AzureADTokenExchange']),
  'bot-role-sub': (data) => {
    const statement = data.iam.role(data.ids.botRoleArn)?.trustPolicy.Statement[0];
    if (statement) statement.Condition = { StringEquals: { [`login.microsoftonline.com/${data.ids.botTenantId}/v2.0:sub`]: '00000000-0000-4000-8000-000000000000' } };
  },
  // The six an independent check found passing as healthy (issue 25), and the simulator refused.
  'idc-application-disabled': (data) => void (first(data.applications, 'application').status = 'DISABLED'),
  'idc-assignment-required': (data) => void (first(data.applications, 'application').assignmentRequired = true),
  'user-role-no-chat': (data) => {
    const role = data.iam.role(data.ids.qUserRoleArn);
    const policy = role?.permissionPolicies['qbusiness-chat'];
    const statement = (Array.isArray(policy?.Statement) ? policy?.Statement[0] : undefined) as { Action: string[] } | undefined;
    if (statement) statement.Action = statement.Action.filter((action) => action !== 'qbusiness:Chat' && action !== 'qbusiness:ChatSync');
  },
  'user-role-other-application': (data) => {
    const role = data.iam.role(data.ids.qUserRoleArn);
    const policy = role?.permissionPolicies['qbusiness-chat'];
    const statement = (Array.isArray(policy?.Statement) ? policy?.Statement[0] : undefined) as { Resource: string } | undefined;
    if (statement) statement.Resource = 'arn:aws:qbusiness:us-east-1:111122223333:application/99999999-aaaa-4bbb-8ccc-dddddddddddd';
  },
  // The bot role's token exchange names an application in another account (an old ARN, a copied policy).
  'bot-role-no-create-token': (data) => {
    const role = data.iam.role(data.ids.botRoleArn);
    const policy = role?.permissionPolicies['bot-access'];
    const statement = (Array.isArray(policy?.Statement) ? policy?.Statement[0] : undefined) as { Resource: string } | undefined;
    if (statement) statement.Resource = data.ids.idcApplicationArn.replace(/::\d{12}:/, '::999988887777:');
  },
  // A v2 issuer named by the tenant's domain (tokens carry the tenant id), beside an old v1 issuer.
  'issuer-domain-beside-v1': (data) => {
    const issuer = first(data.trustedTokenIssuers, 'issuer');
    issuer.issuerUrl = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0';
    data.trustedTokenIssuers.push({ ...issuer, arn: issuer.arn.replace(/tti-[\w-]+$/, 'tti-old-v1'), name: 'EntraID-v1', issuerUrl: `https://sts.windows.net/${data.ids.tenantId}/` });
  },
  'simulator-denied': (data) => void data.deniedToAdmin.push('iam SimulatePrincipalPolicy'),
  'entra-app-missing': (data) => void data.entraApps.splice(0),
  'entra-v1-tokens': (data) => void ((first(data.entraApps, 'app').api as Record<string, unknown>).requestedAccessTokenVersion = null),
  'entra-email-claim': (data) => void (first(data.entraApps, 'app').optionalClaims = { accessToken: [{ name: 'idtyp' }, { name: 'upn' }] }),
  'entra-identifier-uri': (data) => void (first(data.entraApps, 'app').identifierUris = ['api://botid-00000000-0000-4000-8000-000000000000']),
  'entra-preauthorized': (data) => {
    const api = first(data.entraApps, 'app').api as { preAuthorizedApplications: Array<{ appId: string }> };
    api.preAuthorizedApplications = api.preAuthorizedApplications.filter((entry) => entry.appId !== '5e3ce6c0-2b1f-4285-8d4b-75ee78787346');
  },
  'bot-multi-tenant': (data) => void (first(data.bots, 'bot').properties.msaAppType = 'MultiTenant'),
  'bot-endpoint': (data) => void (first(data.bots, 'bot').properties.endpoint = 'https://qbot-old.azurewebsites.net/api/messages'),
  'self-test': (data) => void (data.botSelfTest = 'AssumeRoleWithWebIdentity refused: InvalidIdentityToken (see the awsWebIdentitySelfTest log line)'),
  'user-no-mail': (data) => void (person(data, 'grace@example.com').mail = null),
  'user-email-case': (data) => {
    const user = data.users.find((candidate) => candidate.emails.includes('grace@example.com'));
    if (user) user.emails = ['Grace@Example.com'];
  },
  'user-not-subscribed': (data) => void (first(data.qApplications, 'Q application').subscriptions = []),
};

export function breakPiece(data: AdminData, piece: string): void {
  const apply = BREAKS[piece];
  if (!apply) throw new Error(`unknown piece "${piece}"; known: ${Object.keys(BREAKS).join(', ')}`);
  apply(data);
}
