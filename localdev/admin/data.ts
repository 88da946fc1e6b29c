/**
 * The administrators' view of the sample organisation, as AWS and Azure consoles would show it:
 * the Q Business application, the IAM Identity Center instance (its trusted token issuer, the
 * bot's application with grants, scopes and actor policy, the identity store's users and groups),
 * IAM (the one local account model, localdev/identity/account.ts, shared with the local STS),
 * the Entra app registration and users (Graph), and the Azure Bot
 * resource (ARM). Seeded consistently from directory.ts and deploy/aws/localServices.ts, so a
 * fresh seed is a correct deployment; tests break one piece at a time (breaks.ts). Read-only
 * calls only are served (services.ts, microsoft.ts). A development tool: not part of the product.
 */
import type { JSONWebKeySet } from 'jose';
import { LOCAL_APPLICATION_ID } from '../../deploy/aws/localServices';
import { DIRECTORY, LOCAL_AAD_CLIENT_ID, LOCAL_IDC_APPLICATION_ARN, LOCAL_TENANT_ID } from '../directory';
import { seedLocalAwsAccount } from '../identity/account';
import type { LocalIam } from '../identity/iam';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PRINCIPAL_ID, LOCAL_MI_TENANT_ID } from '../identity/managedIdentity';

export type PolicyDocument = { Version: string; Statement: Array<Record<string, unknown>> };

/** Long-term keys of the administrators who run the doctor: one per AWS account. */
export const LOCAL_ADMIN_KEYS: Record<string, { secretAccessKey: string; accountId: string; arn: string }> = {
  AKIALOCALADMINQ00001: { secretAccessKey: 'local-q-admin-not-a-secret', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:user/q-admin' },
  AKIALOCALADMINIDC001: { secretAccessKey: 'local-idc-admin-not-a-secret', accountId: '444455556666', arn: 'arn:aws:iam::444455556666:user/identity-center-admin' },
};

export const Q_ACCOUNT_ID = '111122223333';
export const Q_REGION = 'us-east-1';
export const INSTANCE_ID = /application\/(ssoins-[0-9a-z]+)\//.exec(LOCAL_IDC_APPLICATION_ARN)?.[1] as string;

export interface AdminLayout {
  /** The account that owns Identity Center (the organization's management account, or the Q account). */
  idcAccountId: string;
  idcRegion: string;
}

/** What an operator's env file holds for this organisation (the doctor's inputs). */
export interface AdminIdentifiers {
  qApplicationId: string;
  qRegion: string;
  idcRegion: string;
  instanceArn: string;
  identityStoreId: string;
  idcApplicationArn: string;
  issuerArn: string;
  qUserRoleArn: string;
  botRoleArn: string;
  /** The bot's user-assigned managed identity (the local services' one sample identity): client id (BOT_ID) and principal (object) id. */
  botId: string;
  managedIdentityPrincipalId: string;
  /** The Microsoft 365 tenant of the people (SSO). */
  tenantId: string;
  /** The Azure subscription's tenant, which owns the managed identity (BOT_TENANT_ID). */
  botTenantId: string;
  ssoClientId: string;
  resourceUri: string;
  subscriptionId: string;
  resourceGroup: string;
  botResourceName: string;
  botDomain: string;
}

export interface IdcApplication {
  arn: string;
  instanceArn: string;
  name: string;
  jwtBearer?: Array<{ TrustedTokenIssuerArn: string; AuthorizedAudiences: string[] }>;
  refreshToken: boolean;
  scopes: string[];
  actorPolicy?: PolicyDocument;
  status: 'ENABLED' | 'DISABLED';
  /** The API's default is true; the setup turns it off (everyone of the instance may use the bot). */
  assignmentRequired: boolean;
}

export interface AdminData {
  ids: AdminIdentifiers;
  qApplications: Array<{ applicationId: string; accountId: string; region: string; displayName: string; identityType: string; identityCenterApplicationArn: string; autoSubscribe: boolean; subscriptions: Array<{ principal: { user: string } | { group: string }; type: string }> }>;
  instances: Array<{ instanceArn: string; identityStoreId: string; ownerAccountId: string; region: string }>;
  trustedTokenIssuers: Array<{ arn: string; instanceArn: string; name: string; issuerUrl: string; claimAttributePath: string; identityStoreAttributePath: string }>;
  applications: IdcApplication[];
  users: Array<{ identityStoreId: string; userId: string; userName: string; displayName: string; emails: string[] }>;
  groups: Array<{ identityStoreId: string; groupId: string; displayName: string; members: string[] }>;
  /** The Q account's IAM: the same LocalIam the local STS decides with (roles, their trust and permission policies, OIDC providers). */
  iam: LocalIam;
  /** Administrator calls refused with AccessDenied (`iam SimulatePrincipalPolicy`…), as for a read-only admin without that action. */
  deniedToAdmin: string[];
  entraApps: Array<Record<string, unknown> & { appId: string }>;
  entraUsers: Array<{ id: string; displayName: string; mail: string | null; userPrincipalName: string }>;
  bots: Array<{ id: string; properties: { msaAppType: string; endpoint: string; msaAppId: string; msaAppTenantId: string } }>;
  /** What the deployed bot's /readyz reports for its start-up self-test. */
  botSelfTest: string;
  /** Every administrative call served (`sso ListInstances`, `graph GET /v1.0/users`…): tests check they are all reads. */
  served: string[];
}

const ACCESS_AS_USER = '7f0a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b';
const SSO_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346', '4765445b-32c6-49b0-83e6-1d93765276ca', '0ec893e0-5785-4de6-99da-4ed124e5296c', 'd3590ed6-52b3-4102-aeff-aad2292ab01c', 'bc59ab01-8403-45c6-8796-ac3ef710b3e3', '27922004-5251-4030-b22d-91ecd9a37ea4', '00000002-0000-0ff1-ce00-000000000000', '4345a7b9-9a63-4910-a426-35363201d503'];

/**
 * A correct deployment. `botBaseUrl` is where the stand-in for the deployed bot's /readyz is served;
 * `account` is the local services' IAM, reset here to the setup script's roles and provider.
 */
export function seedAdminData(botBaseUrl: string, account: { iam: LocalIam; managedIdentityKeys: JSONWebKeySet }, layout: AdminLayout = { idcAccountId: Q_ACCOUNT_ID, idcRegion: Q_REGION }): AdminData {
  const idcArn = (kind: string, id: string): string => `arn:aws:sso::${layout.idcAccountId}:${kind}/${INSTANCE_ID}/${id}`;
  const ids: AdminIdentifiers = {
    qApplicationId: LOCAL_APPLICATION_ID,
    qRegion: Q_REGION,
    idcRegion: layout.idcRegion,
    instanceArn: `arn:aws:sso:::instance/${INSTANCE_ID}`,
    identityStoreId: 'd-90670a1b2c',
    idcApplicationArn: LOCAL_IDC_APPLICATION_ARN.replace(`::${Q_ACCOUNT_ID}:`, `::${layout.idcAccountId}:`),
    issuerArn: idcArn('trustedTokenIssuer', 'tti-5f1d3c2b-local'),
    qUserRoleArn: '',
    botRoleArn: '',
    botId: LOCAL_MI_CLIENT_ID,
    managedIdentityPrincipalId: LOCAL_MI_PRINCIPAL_ID,
    tenantId: LOCAL_TENANT_ID,
    botTenantId: LOCAL_MI_TENANT_ID,
    ssoClientId: LOCAL_AAD_CLIENT_ID,
    resourceUri: `api://botid-${LOCAL_MI_CLIENT_ID}`,
    subscriptionId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    resourceGroup: 'rg-qbot-local',
    botResourceName: 'qbotlocal',
    botDomain: botBaseUrl,
  };
  const seeded = seedLocalAwsAccount(account.iam, account.managedIdentityKeys, { idcApplicationArn: ids.idcApplicationArn });
  ids.botRoleArn = seeded.botRoleArn;
  ids.qUserRoleArn = seeded.qUserRoleArn;
  const issuerPath = `login.microsoftonline.com/${ids.tenantId}/v2.0`;
  const idcUsers = DIRECTORY.filter((person) => person.idcUserId);
  return {
    ids,
    qApplications: [
      {
        applicationId: ids.qApplicationId,
        accountId: Q_ACCOUNT_ID,
        region: Q_REGION,
        displayName: 'Company knowledge (local)',
        identityType: 'AWS_IAM_IDC',
        identityCenterApplicationArn: idcArn('application', 'apl-q0business0local'),
        autoSubscribe: false,
        subscriptions: [{ principal: { group: 'group-q-business-users' }, type: 'Q_BUSINESS' }],
      },
    ],
    instances: [{ instanceArn: ids.instanceArn, identityStoreId: ids.identityStoreId, ownerAccountId: layout.idcAccountId, region: layout.idcRegion }],
    trustedTokenIssuers: [
      { arn: ids.issuerArn, instanceArn: ids.instanceArn, name: `EntraID-${ids.tenantId}`, issuerUrl: `https://${issuerPath}`, claimAttributePath: 'email', identityStoreAttributePath: 'emails.value' },
    ],
    applications: [
      {
        arn: ids.idcApplicationArn,
        instanceArn: ids.instanceArn,
        name: 'AmazonQBusinessTeams-local',
        jwtBearer: [{ TrustedTokenIssuerArn: ids.issuerArn, AuthorizedAudiences: [ids.ssoClientId] }],
        refreshToken: true,
        scopes: ['qbusiness:conversations:access', 'qbusiness:messages:access'],
        actorPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ids.botRoleArn }, Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }] },
        status: 'ENABLED',
        assignmentRequired: false,
      },
    ],
    users: idcUsers.map((person) => ({ identityStoreId: ids.identityStoreId, userId: person.idcUserId as string, userName: person.email, displayName: person.name, emails: [person.email] })),
    groups: [{ identityStoreId: ids.identityStoreId, groupId: 'group-q-business-users', displayName: 'Q Business users', members: idcUsers.map((person) => person.idcUserId as string) }],
    iam: account.iam,
    deniedToAdmin: [],
    entraApps: [
      {
        id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
        appId: ids.ssoClientId,
        displayName: 'Amazon Q Business for Teams SSO (local)',
        identifierUris: [ids.resourceUri],
        api: {
          requestedAccessTokenVersion: 2,
          oauth2PermissionScopes: [{ id: ACCESS_AS_USER, value: 'access_as_user', type: 'User', isEnabled: true }],
          preAuthorizedApplications: SSO_CLIENTS.map((appId) => ({ appId, delegatedPermissionIds: [ACCESS_AS_USER] })),
        },
        optionalClaims: { accessToken: [{ name: 'idtyp' }, { name: 'email' }, { name: 'upn' }], idToken: [], saml2Token: [] },
        // Meeting recaps: the bot's managed identity may act as this app (Graph app-only, no secret).
        federatedIdentityCredentials: [{ id: '6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e', name: 'qteams-bot-managed-identity', issuer: `https://login.microsoftonline.com/${ids.botTenantId}/v2.0`, subject: ids.managedIdentityPrincipalId, audiences: ['api://AzureADTokenExchange'] }],
      },
    ],
    entraUsers: DIRECTORY.map((person) => ({ id: person.aadObjectId, displayName: person.name, mail: person.email, userPrincipalName: person.email })),
    bots: [
      {
        id: `/subscriptions/${ids.subscriptionId}/resourceGroups/${ids.resourceGroup}/providers/Microsoft.BotService/botServices/${ids.botResourceName}`,
        properties: { msaAppType: 'UserAssignedMSI', endpoint: `${botBaseUrl}/api/messages`, msaAppId: ids.botId, msaAppTenantId: ids.botTenantId },
      },
    ],
    botSelfTest: 'ok',
    served: [],
  };
}

/** The env file an operator would have for this organisation (what `--env-file` reads). */
export function doctorEnvironment(data: AdminData, services: { graphUrl: string; armUrl: string }): Record<string, string> {
  const { ids } = data;
  return {
    AMAZON_Q_APP_ID: ids.qApplicationId,
    AMAZON_Q_REGION: ids.qRegion,
    AWS_IDC_REGION: ids.idcRegion,
    IDC_APPLICATION_ARN: ids.idcApplicationArn,
    Q_USER_ROLE_ARN: ids.qUserRoleArn,
    BOT_AWS_ROLE_ARN: ids.botRoleArn,
    BOT_ID: ids.botId,
    BOT_TYPE: 'UserAssignedMsi',
    BOT_TENANT_ID: ids.botTenantId,
    BOT_MANAGED_IDENTITY_PRINCIPAL_ID: ids.managedIdentityPrincipalId,
    BOT_ENDPOINT: ids.botDomain,
    AAD_APP_CLIENT_ID: ids.ssoClientId,
    AAD_APP_TENANT_ID: ids.tenantId,
    SSO_RESOURCE_URI: ids.resourceUri,
    AZURE_SUBSCRIPTION_ID: ids.subscriptionId,
    AZURE_RESOURCE_GROUP_NAME: ids.resourceGroup,
    DOCTOR_BOT_RESOURCE_NAME: ids.botResourceName,
    DOCTOR_GRAPH_URL: services.graphUrl,
    DOCTOR_ARM_URL: services.armUrl,
  };
}
