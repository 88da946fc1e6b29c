/**
 * The AWS setup script against aws-sdk-client-mock: what a fresh account gets, that a second run
 * writes nothing, that a half-finished run is completed, --dry-run and --delete, and the one-line
 * explanations of the failures operators meet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import * as iamSdk from '@aws-sdk/client-iam';
import * as qSdk from '@aws-sdk/client-qbusiness';
import * as ssoSdk from '@aws-sdk/client-sso-admin';
import * as stsSdk from '@aws-sdk/client-sts';
import { botPermissions, qUserPermissions } from '../../deploy/aws/iam';
import { tokenExchangeActorPolicy } from '../../deploy/aws/identityCenter';
import { main } from '../../deploy/aws/setup';

const ACCOUNT = '444455556666';
const Q_APP = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const TENANT = '11111111-2222-4333-8444-555555555555';
const SSO_CLIENT = '66666666-7777-4888-9999-000000000000';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const ISSUER_ARN = 'arn:aws:sso::111122223333:trustedTokenIssuer/ssoins-1234567890abcdef/tti-0123';
const APP_ARN = 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-0123';
const MI_PRINCIPAL = '99999999-8888-4777-8666-555555555555';
const MI_CLIENT = '12121212-3434-4565-8787-909090909090';
/** The Azure subscription's tenant, not the Microsoft 365 tenant of the people (TENANT). */
const SUBSCRIPTION_TENANT = '31313131-4242-4353-8464-757575757575';
const MI_ISSUER = `login.microsoftonline.com/${SUBSCRIPTION_TENANT}/v2.0`;
const TOKEN_EXCHANGE_APP = 'fb60f99c-7a34-4190-8149-302f77469936';

// Created in before() and restored in after(): a mock patches every client of its class in this process.
let sso: ReturnType<typeof mockClient>;
let iam: ReturnType<typeof mockClient>;
let sts: ReturnType<typeof mockClient>;
let q: ReturnType<typeof mockClient>;
/** Write calls across both mocked accounts, in the order the script made them. */
let order: string[] = [];
/** The fake IAM's roles: trust and inline policy documents by role name. */
let roleDocuments = new Map<string, { trust: string; policy: string }>();

interface Run {
  code: number;
  output: string[];
  env: string;
  userEnv: string;
}

/** A world in which the named resources already exist, exactly as the script would make them. */
function world(existing: { roles?: boolean; issuer?: boolean; application?: boolean; grants?: boolean; oidc?: boolean }, botPrincipal: string): void {
  for (const mock of [sso, iam, sts, q]) mock.reset();
  order = [];
  const recordWrite = (mock: ReturnType<typeof mockClient>, command: new (input: never) => unknown, response: Record<string, unknown> = {}): void => {
    mock.on(command as never).callsFake(() => {
      order.push(command.name);
      return response;
    });
  };
  for (const command of [ssoSdk.UpdateTrustedTokenIssuerCommand, ssoSdk.PutApplicationAssignmentConfigurationCommand, ssoSdk.PutApplicationGrantCommand, ssoSdk.PutApplicationAuthenticationMethodCommand, ssoSdk.PutApplicationAccessScopeCommand, ssoSdk.DeleteApplicationCommand, ssoSdk.DeleteTrustedTokenIssuerCommand]) {
    recordWrite(sso, command as never);
  }
  for (const command of [iamSdk.AddClientIDToOpenIDConnectProviderCommand, iamSdk.DeleteOpenIDConnectProviderCommand, iamSdk.CreateRoleCommand, iamSdk.UpdateAssumeRolePolicyCommand, iamSdk.PutRolePolicyCommand, iamSdk.DeleteRolePolicyCommand, iamSdk.DeleteRoleCommand]) {
    recordWrite(iam, command as never);
  }
  recordWrite(sso, ssoSdk.CreateTrustedTokenIssuerCommand as never, { TrustedTokenIssuerArn: ISSUER_ARN });
  recordWrite(sso, ssoSdk.CreateApplicationCommand as never, { ApplicationArn: APP_ARN });
  sts.on(stsSdk.GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/operator` });
  q.on(qSdk.GetApplicationCommand).resolves({
    applicationId: Q_APP,
    applicationArn: `arn:aws:qbusiness:us-east-1:${ACCOUNT}:application/${Q_APP}`,
    identityType: 'AWS_IAM_IDC',
    identityCenterApplicationArn: 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-qbusiness0001',
  });
  sso.on(ssoSdk.ListInstancesCommand).resolves({ Instances: [{ InstanceArn: INSTANCE, Status: 'ACTIVE' }] });
  sso.on(ssoSdk.ListTrustedTokenIssuersCommand).resolves({ TrustedTokenIssuers: existing.issuer ? [{ Name: `EntraID-${TENANT}`, TrustedTokenIssuerArn: ISSUER_ARN, TrustedTokenIssuerType: 'OIDC_JWT' }] : [] });
  // Each issuer's URL: ours is this tenant's v2 issuer; any other ARN belongs to another tenant.
  sso.on(ssoSdk.DescribeTrustedTokenIssuerCommand).callsFake((input: { TrustedTokenIssuerArn: string }) => ({
    TrustedTokenIssuerConfiguration: {
      OidcJwtConfiguration: { IssuerUrl: input.TrustedTokenIssuerArn === ISSUER_ARN ? `https://login.microsoftonline.com/${TENANT}/v2.0` : 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0', ClaimAttributePath: 'email', IdentityStoreAttributePath: 'emails.value', JwksRetrievalOption: 'OPEN_ID_DISCOVERY' },
    },
  }));
  sso.on(ssoSdk.ListApplicationsCommand).resolves({ Applications: existing.application ? [{ Name: 'AmazonQBusinessTeams-dev', ApplicationArn: APP_ARN }] : [] });
  const notFound = Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
  if (existing.grants) {
    sso.on(ssoSdk.GetApplicationAssignmentConfigurationCommand).resolves({ AssignmentRequired: false });
    sso.on(ssoSdk.GetApplicationGrantCommand, { GrantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }).resolves({
      Grant: { JwtBearer: { AuthorizedTokenIssuers: [{ TrustedTokenIssuerArn: ISSUER_ARN, AuthorizedAudiences: [SSO_CLIENT] }] } },
    });
    sso.on(ssoSdk.GetApplicationGrantCommand, { GrantType: 'refresh_token' }).resolves({ Grant: { RefreshToken: {} } });
    sso.on(ssoSdk.GetApplicationAuthenticationMethodCommand).resolves({
      AuthenticationMethod: { Iam: { ActorPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: botPrincipal }, Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }] } } },
    });
    sso.on(ssoSdk.ListApplicationAccessScopesCommand).resolves({ Scopes: [{ Scope: 'qbusiness:conversations:access' }, { Scope: 'qbusiness:messages:access' }] });
  } else {
    sso.on(ssoSdk.GetApplicationAssignmentConfigurationCommand).rejects(notFound);
    sso.on(ssoSdk.GetApplicationGrantCommand).rejects(notFound);
    sso.on(ssoSdk.GetApplicationAuthenticationMethodCommand).rejects(notFound);
    sso.on(ssoSdk.ListApplicationAccessScopesCommand).resolves({ Scopes: [] });
  }
  const noSuchEntity = Object.assign(new Error('The role cannot be found.'), { name: 'NoSuchEntityException' });
  roleDocuments = new Map<string, { trust: string; policy: string }>();
  if (existing.roles) {
    const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/${MI_ISSUER}`;
    roleDocuments.set('AmazonQBusinessTeamsUser-dev', {
      trust: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: botPrincipal }, Action: ['sts:AssumeRole', 'sts:SetContext'] }] }),
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'ChatAsTheSignedInPerson', Effect: 'Allow', Action: ['qbusiness:ChatSync', 'qbusiness:Chat', 'qbusiness:PutFeedback', 'qbusiness:ListConversations', 'qbusiness:ListMessages', 'qbusiness:DeleteConversation'], Resource: `arn:aws:qbusiness:us-east-1:${ACCOUNT}:application/${Q_APP}` }],
      }),
    });
    roleDocuments.set('AmazonQBusinessTeamsBot-dev', {
      trust: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${MI_ISSUER}:sub`]: MI_PRINCIPAL } } }],
      }),
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ExchangeTeamsTokens', Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: APP_ARN },
          { Sid: 'ActAsTheSignedInPerson', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: `arn:aws:iam::${ACCOUNT}:role/AmazonQBusinessTeamsUser-dev` },
        ],
      }),
    });
  }
  // IAM keeps what was written: a later read in the same run sees the role and its policy.
  iam.on(iamSdk.CreateRoleCommand).callsFake((input: { RoleName: string; AssumeRolePolicyDocument: string }) => {
    order.push('CreateRoleCommand');
    roleDocuments.set(input.RoleName, { trust: input.AssumeRolePolicyDocument, policy: '' });
    return {};
  });
  iam.on(iamSdk.PutRolePolicyCommand).callsFake((input: { RoleName: string; PolicyDocument: string }) => {
    order.push('PutRolePolicyCommand');
    const role = roleDocuments.get(input.RoleName);
    if (role) role.policy = input.PolicyDocument;
    return {};
  });
  iam.on(iamSdk.GetRoleCommand).callsFake((input: { RoleName: string }) => {
    const role = roleDocuments.get(input.RoleName);
    if (!role) throw noSuchEntity;
    return { Role: { RoleName: input.RoleName, AssumeRolePolicyDocument: encodeURIComponent(role.trust) } };
  });
  iam.on(iamSdk.GetRolePolicyCommand).callsFake((input: { RoleName: string }) => {
    const role = roleDocuments.get(input.RoleName);
    if (!role?.policy) throw noSuchEntity;
    return { PolicyDocument: encodeURIComponent(role.policy) };
  });
  const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${MI_ISSUER}`;
  iam.on(iamSdk.ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: existing.oidc ? [{ Arn: providerArn }] : [] });
  iam.on(iamSdk.GetOpenIDConnectProviderCommand).resolves({ ClientIDList: [MI_CLIENT, TOKEN_EXCHANGE_APP], Tags: [{ Key: 'managed-by', Value: 'amazon-q-business-teams' }] });
  recordWrite(iam, iamSdk.CreateOpenIDConnectProviderCommand as never, { OpenIDConnectProviderArn: providerArn });
}

function listTs(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listTs(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []));
}

/** The JSON document printed (indented) under `label:` in the dry-run output. */
function policyAfter(output: string[], label: string): unknown {
  const start = output.findIndex((line) => line.trim() === `${label}:`);
  if (start < 0) return undefined;
  const lines: string[] = [];
  for (const line of output.slice(start + 1)) {
    lines.push(line);
    if (line.trimEnd() === '      }') break;
  }
  return JSON.parse(lines.join('\n'));
}

function writes(): string[] {
  return order;
}

function inputsOf<T>(mock: ReturnType<typeof mockClient>, command: new (input: T) => unknown): T[] {
  return mock.commandCalls(command as never).map((call) => call.args[0].input as T);
}

async function run(argv: string[], extraEnv: Record<string, string> = {}, sleeps: number[] = []): Promise<Run> {
  const root = mkdtempSync(join(tmpdir(), 'aws-setup-'));
  mkdirSync(join(root, 'env'));
  writeFileSync(join(root, 'env/.env.dev'), '# comment kept\nTEAMSFX_ENV=dev\nRUNTIME_Q_USER_ROLE_ARN=\n');
  const output: string[] = [];
  const env = { TEAMSFX_ENV: 'dev', AMAZON_Q_APP_ID: Q_APP, AMAZON_Q_REGION: 'us-east-1', AAD_APP_TENANT_ID: TENANT, AAD_APP_CLIENT_ID: SSO_CLIENT, BOT_ID: MI_CLIENT, BOT_TENANT_ID: SUBSCRIPTION_TENANT, BOT_MANAGED_IDENTITY_PRINCIPAL_ID: MI_PRINCIPAL, ...extraEnv };
  const code = await main(argv, env, {
    write: (line) => output.push(line),
    projectRoot: root,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clients: { ssoAdmin: new ssoSdk.SSOAdminClient({ region: 'us-east-1' }), iam: new iamSdk.IAMClient({ region: 'us-east-1' }), qSts: new stsSdk.STSClient({ region: 'us-east-1' }), qbusiness: new qSdk.QBusinessClient({ region: 'us-east-1' }) },
  });
  const read = (file: string): string => {
    try {
      return readFileSync(join(root, file), 'utf8');
    } catch {
      return '';
    }
  };
  return { code, output, env: read('env/.env.dev'), userEnv: read('env/.env.dev.user') };
}

const BOT_ROLE = `arn:aws:iam::${ACCOUNT}:role/AmazonQBusinessTeamsBot-dev`;

describe('AWS setup script (scripts for teamsapp provision)', () => {
  before(() => {
    sso = mockClient(ssoSdk.SSOAdminClient);
    iam = mockClient(iamSdk.IAMClient);
    sts = mockClient(stsSdk.STSClient);
    q = mockClient(qSdk.QBusinessClient);
  });
  after(() => {
    for (const mock of [sso, iam, sts, q]) mock.restore();
  });

  it('on a fresh account creates exactly the resources the bot needs, and hands back the ARNs', async () => {
    world({}, BOT_ROLE);
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), [
      'CreateOpenIDConnectProviderCommand',
      'CreateRoleCommand',
      'PutRolePolicyCommand',
      'CreateRoleCommand',
      'PutRolePolicyCommand',
      'CreateTrustedTokenIssuerCommand',
      'CreateApplicationCommand',
      'PutApplicationAssignmentConfigurationCommand',
      'PutApplicationGrantCommand',
      'PutApplicationGrantCommand',
      'PutApplicationAuthenticationMethodCommand',
      'PutApplicationAccessScopeCommand',
      'PutApplicationAccessScopeCommand',
      // Now that the application exists, the bot role's token exchange is scoped to it.
      'PutRolePolicyCommand',
    ]);
    const botPolicies = inputsOf(iam, iamSdk.PutRolePolicyCommand).filter((input) => input.RoleName === 'AmazonQBusinessTeamsBot-dev').map((input) => JSON.parse(input.PolicyDocument ?? '{}'));
    assert.deepEqual(botPolicies.at(-1), botPermissions(`arn:aws:iam::${ACCOUNT}:role/AmazonQBusinessTeamsUser-dev`, APP_ARN));
    for (const policy of botPolicies) {
      for (const statement of policy.Statement) assert.notEqual(statement.Resource, '*', `every statement names its resource: ${JSON.stringify(statement)}`);
    }
    const [issuer] = inputsOf(sso, ssoSdk.CreateTrustedTokenIssuerCommand);
    assert.deepEqual(issuer?.TrustedTokenIssuerConfiguration?.OidcJwtConfiguration, {
      IssuerUrl: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      ClaimAttributePath: 'email',
      IdentityStoreAttributePath: 'emails.value',
      JwksRetrievalOption: 'OPEN_ID_DISCOVERY',
    });
    const [oidc] = inputsOf(iam, iamSdk.CreateOpenIDConnectProviderCommand);
    // The managed identity token as it really is: v2 issuer of the subscription's tenant, aud = the token-exchange app, azp = the identity.
    assert.deepEqual([oidc?.Url, oidc?.ClientIDList], [`https://${MI_ISSUER}`, [MI_CLIENT, TOKEN_EXCHANGE_APP]]);
    const [botRole, userRole] = inputsOf(iam, iamSdk.CreateRoleCommand);
    const botTrust = JSON.parse(botRole?.AssumeRolePolicyDocument ?? '{}');
    assert.deepEqual(botTrust.Statement[0].Principal, { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${MI_ISSUER}` });
    assert.deepEqual(botTrust.Statement[0].Condition, { StringEquals: { [`${MI_ISSUER}:sub`]: MI_PRINCIPAL } });
    const userTrust = JSON.parse(userRole?.AssumeRolePolicyDocument ?? '{}');
    assert.deepEqual(userTrust.Statement, [{ Effect: 'Allow', Principal: { AWS: BOT_ROLE }, Action: ['sts:AssumeRole', 'sts:SetContext'] }]);
    const userPolicy = JSON.parse(inputsOf(iam, iamSdk.PutRolePolicyCommand)[1]?.PolicyDocument ?? '{}');
    assert.equal(userPolicy.Statement[0].Resource, `arn:aws:qbusiness:us-east-1:${ACCOUNT}:application/${Q_APP}`, 'only this Q application');
    const grants = inputsOf(sso, ssoSdk.PutApplicationGrantCommand);
    assert.deepEqual(grants.map((grant) => grant.GrantType), ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token']);
    assert.deepEqual(grants[0]?.Grant?.JwtBearer?.AuthorizedTokenIssuers, [{ TrustedTokenIssuerArn: ISSUER_ARN, AuthorizedAudiences: [SSO_CLIENT] }]);
    const [method] = inputsOf(sso, ssoSdk.PutApplicationAuthenticationMethodCommand);
    assert.deepEqual((method?.AuthenticationMethod?.Iam?.ActorPolicy as any).Statement[0].Principal, { AWS: BOT_ROLE }, 'only the bot may exchange tokens');

    assert.match(result.output.join('\n'), new RegExp(`::set-teamsfx-env RUNTIME_IDC_APPLICATION_ARN=${APP_ARN.replace(/[/.]/g, '\\$&')}`));
    assert.match(result.env, /^# comment kept$/m);
    assert.match(result.env, new RegExp(`^RUNTIME_Q_USER_ROLE_ARN=arn:aws:iam::${ACCOUNT}:role/AmazonQBusinessTeamsUser-dev$`, 'm'));
    assert.match(result.env, new RegExp(`^BOT_AWS_ROLE_ARN=${BOT_ROLE.replace(/[/.]/g, '\\$&')}$`, 'm'));
    assert.doesNotMatch(result.userEnv, /TOKEN_STORE_KEY/, 'on Azure the key is generated in Key Vault by provisioning, not on this machine');
  });

  it('a second run changes nothing', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), []);
    assert.match(result.output.join('\n'), /already set up: nothing to change/);
  });

  it('completes a half-finished earlier run', async () => {
    world({ roles: true, issuer: true, application: true, grants: false, oidc: true }, BOT_ROLE);
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0);
    assert.deepEqual(writes(), [
      'PutApplicationAssignmentConfigurationCommand',
      'PutApplicationGrantCommand',
      'PutApplicationGrantCommand',
      'PutApplicationAuthenticationMethodCommand',
      'PutApplicationAccessScopeCommand',
      'PutApplicationAccessScopeCommand',
    ]);
  });

  it('--dry-run makes no AWS call, prints the plan with the exact policy documents, and writes nothing', async () => {
    world({}, BOT_ROLE);
    const result = await run(['--target', 'azure', '--dry-run']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.equal(sts.calls().length + sso.calls().length + iam.calls().length + q.calls().length, 0);
    const text = result.output.join('\n');
    assert.match(text, /would create the trusted token issuer EntraID-.+ for https:\/\/login\.microsoftonline\.com\/.+\/v2\.0/);
    assert.match(text, /would create the IAM role AmazonQBusinessTeamsUser-dev/);
    const placeholderAccount = '<Q Business account id>';
    assert.deepEqual(policyAfter(result.output, 'inline policy qbusiness-chat'), qUserPermissions(`arn:aws:qbusiness:us-east-1:${placeholderAccount}:application/${Q_APP}`));
    assert.deepEqual(policyAfter(result.output, 'inline policy bot-access'), botPermissions(`arn:aws:iam::${placeholderAccount}:role/AmazonQBusinessTeamsUser-dev`, `arn:aws:sso::${placeholderAccount}:application/<instance>/<the application created below>`));
    const botTrust = policyAfter(result.output, 'trust policy') as { Statement: Array<{ Condition: unknown }> };
    assert.deepEqual(botTrust.Statement[0]?.Condition, { StringEquals: { [`${MI_ISSUER}:sub`]: MI_PRINCIPAL } });
    assert.ok(result.output.includes(`  would create the IAM OIDC identity provider https://${MI_ISSUER} (the managed identity's issuer: the Azure subscription's tenant, not the Microsoft 365 tenant ${TENANT})`), text);
    assert.ok(result.output.includes(`    client ids: ${MI_CLIENT}, ${TOKEN_EXCHANGE_APP} (the token's azp and aud)`), text);
    assert.doesNotMatch(text, /sts\.windows\.net|api:\/\/AzureADTokenExchange/, 'not the v1 issuer and audience of the old configuration');
    assert.deepEqual(policyAfter(result.output, 'IAM authentication actor policy'), tokenExchangeActorPolicy(`arn:aws:iam::${placeholderAccount}:role/AmazonQBusinessTeamsBot-dev`));
    assert.doesNotMatch(result.env, /RUNTIME_Q_USER_ROLE_ARN=arn/);
    assert.equal(result.userEnv, '');
  });

  it('--dry-run works with no AWS credentials or clients at all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'aws-setup-'));
    const output: string[] = [];
    const env = { TEAMSFX_ENV: 'dev', AMAZON_Q_APP_ID: Q_APP, AMAZON_Q_REGION: 'us-east-1', AAD_APP_TENANT_ID: TENANT, AAD_APP_CLIENT_ID: SSO_CLIENT, BOT_ID: 'bot', AWS_PROFILE_QBUSINESS: 'no-such-profile' };
    const code = await main(['--target', 'local', '--dry-run'], env, { write: (line) => output.push(line), projectRoot: root });
    assert.equal(code, 0, output.join('\n'));
    assert.match(output.join('\n'), /would create the Identity Center application AmazonQBusinessTeams-dev/);
    assert.ok(policyAfter(output, 'trust policy'));
  });

  it('--dry-run before the first provision shows the provider and trust with placeholders for what provision writes', async () => {
    world({}, BOT_ROLE);
    const result = await run(['--target', 'azure', '--dry-run'], { BOT_ID: '', BOT_TENANT_ID: '', BOT_MANAGED_IDENTITY_PRINCIPAL_ID: '' });
    assert.equal(result.code, 0, result.output.join('\n'));
    const text = result.output.join('\n');
    assert.match(text, /would create the IAM OIDC identity provider https:\/\/login\.microsoftonline\.com\/<BOT_TENANT_ID>\/v2\.0/);
    assert.match(text, /client ids: <BOT_ID>, fb60f99c-7a34-4190-8149-302f77469936/);
    const trust = policyAfter(result.output, 'trust policy') as { Statement: Array<{ Condition: unknown }> };
    assert.deepEqual(trust.Statement[0]?.Condition, { StringEquals: { 'login.microsoftonline.com/<BOT_TENANT_ID>/v2.0:sub': '<BOT_MANAGED_IDENTITY_PRINCIPAL_ID>' } });
  });

  it('reads every page of the Identity Center lists: what sits on page two is found, not created again', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    const paged = <T>(command: new (input: never) => unknown, key: string, first: T[], second: T[]): void => {
      sso.on(command as never).callsFake((input: { NextToken?: string }) => (input.NextToken === 'page-2' ? { [key]: second } : { [key]: first, NextToken: 'page-2' }));
    };
    paged(ssoSdk.ListInstancesCommand, 'Instances', [], [{ InstanceArn: INSTANCE, Status: 'ACTIVE' }]);
    paged(ssoSdk.ListTrustedTokenIssuersCommand, 'TrustedTokenIssuers', [{ Name: 'EntraID-someone-else', TrustedTokenIssuerArn: 'arn:other' }], [{ Name: `EntraID-${TENANT}`, TrustedTokenIssuerArn: ISSUER_ARN }]);
    paged(ssoSdk.ListApplicationsCommand, 'Applications', [{ Name: 'Unrelated', ApplicationArn: 'arn:unrelated' }], [{ Name: 'AmazonQBusinessTeams-dev', ApplicationArn: APP_ARN }]);
    paged(ssoSdk.ListApplicationAccessScopesCommand, 'Scopes', [{ Scope: 'qbusiness:conversations:access' }], [{ Scope: 'qbusiness:messages:access' }]);
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), [], 'nothing created twice');
    // Listed once (both pages): the application found to scope the bot role's token exchange is the one ensured.
    assert.equal(sso.commandCalls(ssoSdk.ListApplicationsCommand as never).length, 2, 'both pages read, once');
    assert.match(result.env, new RegExp(`^RUNTIME_IDC_APPLICATION_ARN=${APP_ARN.replace(/[/.]/g, '\\$&')}$`, 'm'));
  });

  it('--delete removes what it created', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    const result = await run(['--target', 'azure', '--delete']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), [
      'DeleteApplicationCommand',
      'DeleteTrustedTokenIssuerCommand',
      'DeleteRolePolicyCommand',
      'DeleteRoleCommand',
      'DeleteRolePolicyCommand',
      'DeleteRoleCommand',
      'DeleteOpenIDConnectProviderCommand',
    ]);
    assert.match(result.env, /^RUNTIME_Q_USER_ROLE_ARN=$/m);
  });

  it('retries a write IAM refuses while a new role is not yet visible ("Invalid principal"), with bounded waits', async () => {
    world({}, BOT_ROLE);
    let refusals = 0;
    iam.on(iamSdk.CreateRoleCommand).callsFake((input: { RoleName: string; AssumeRolePolicyDocument: string }) => {
      if (input.RoleName === 'AmazonQBusinessTeamsUser-dev' && refusals < 2) {
        refusals += 1;
        throw Object.assign(new Error(`Invalid principal in policy: "AWS":"${BOT_ROLE}"`), { name: 'MalformedPolicyDocumentException' });
      }
      order.push('CreateRoleCommand');
      roleDocuments.set(input.RoleName, { trust: input.AssumeRolePolicyDocument, policy: '' });
      return {};
    });
    const sleeps: number[] = [];
    const result = await run(['--target', 'azure'], {}, sleeps);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.equal(iam.commandCalls(iamSdk.CreateRoleCommand as never).length, 4, 'bot role once, user role three times');
    assert.deepEqual(sleeps, [2000, 4000]);
    assert.match(result.output.join('\n'), /not yet visible to AWS \(MalformedPolicyDocumentException\); retrying in 2 s \(1\/6\)/);
  });

  it('gives up after six retries (about a minute) and does not retry other failures', async () => {
    world({}, BOT_ROLE);
    iam.on(iamSdk.CreateRoleCommand, { RoleName: 'AmazonQBusinessTeamsUser-dev' }).rejects(Object.assign(new Error('Invalid principal in policy'), { name: 'MalformedPolicyDocumentException' }));
    const sleeps: number[] = [];
    assert.equal((await run(['--target', 'azure'], {}, sleeps)).code, 1);
    assert.deepEqual(sleeps, [2000, 4000, 8000, 15000, 15000, 15000]);
    world({}, BOT_ROLE);
    iam.on(iamSdk.CreateRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const none: number[] = [];
    assert.equal((await run(['--target', 'azure'], {}, none)).code, 1);
    assert.deepEqual(none, [], 'a missing permission is not waited for');
  });

  it('uses the Identity Center instance the Q application names, not the first active one', async () => {
    world({}, BOT_ROLE);
    sso.on(ssoSdk.ListInstancesCommand).resolves({ Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-first00000000000', Status: 'ACTIVE' }, { InstanceArn: INSTANCE, Status: 'ACTIVE' }] });
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(inputsOf(sso, ssoSdk.CreateTrustedTokenIssuerCommand).map((input) => input.InstanceArn), [INSTANCE]);
    assert.deepEqual(inputsOf(sso, ssoSdk.CreateApplicationCommand).map((input) => input.InstanceArn), [INSTANCE]);
  });

  it('finds an existing trusted token issuer for this tenant by its issuer URL, whatever its name', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    sso.on(ssoSdk.ListTrustedTokenIssuersCommand).resolves({
      TrustedTokenIssuers: [
        { Name: `EntraID-${TENANT}-look-alike`, TrustedTokenIssuerArn: 'arn:aws:sso::111122223333:trustedTokenIssuer/ssoins-1234567890abcdef/tti-other', TrustedTokenIssuerType: 'OIDC_JWT' },
        { Name: 'Contoso Entra (made by hand)', TrustedTokenIssuerArn: ISSUER_ARN, TrustedTokenIssuerType: 'OIDC_JWT' },
      ],
    });
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), [], 'no second issuer for the same URL (Identity Center would refuse it)');
    assert.match(result.output.join('\n'), /using the existing trusted token issuer Contoso Entra \(made by hand\)/);
  });

  it('adds the missing client ids to a provider created before (the v2 issuer, a client id list without the identity)', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    iam.on(iamSdk.GetOpenIDConnectProviderCommand).resolves({ ClientIDList: [TOKEN_EXCHANGE_APP], Tags: [{ Key: 'managed-by', Value: 'amazon-q-business-teams' }] });
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(inputsOf(iam, iamSdk.AddClientIDToOpenIDConnectProviderCommand).map((input) => input.ClientID), [MI_CLIENT]);
  });

  it('never widens a provider it did not create: says what it found and stops, unless --widen-oidc-provider', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    iam.on(iamSdk.GetOpenIDConnectProviderCommand).resolves({ ClientIDList: ['api://some-other-app'], Tags: [] });
    const refused = await run(['--target', 'azure']);
    assert.notEqual(refused.code, 0);
    const text = refused.output.join('\n');
    assert.match(text, new RegExp(`found the IAM OIDC provider arn:aws:iam::${ACCOUNT}:oidc-provider/login\\.microsoftonline\\.com/${SUBSCRIPTION_TENANT}/v2\\.0 \\(not created by this setup\\) with client ids api://some-other-app; the bot needs ${MI_CLIENT}, ${TOKEN_EXCHANGE_APP} as well`));
    assert.match(text, /run again with --widen-oidc-provider/);
    assert.deepEqual(inputsOf(iam, iamSdk.AddClientIDToOpenIDConnectProviderCommand), [], 'nothing added');

    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    iam.on(iamSdk.GetOpenIDConnectProviderCommand).resolves({ ClientIDList: ['api://some-other-app'], Tags: [] });
    const widened = await run(['--target', 'azure', '--widen-oidc-provider']);
    assert.equal(widened.code, 0, widened.output.join('\n'));
    assert.deepEqual(inputsOf(iam, iamSdk.AddClientIDToOpenIDConnectProviderCommand).map((input) => input.ClientID), [MI_CLIENT, TOKEN_EXCHANGE_APP]);
    assert.ok(widened.output.some((line) => /--widen-oidc-provider: adding them/.test(line)), widened.output.join('\n'));
  });

  it('names the v1 provider an earlier version created (unused now), and --delete removes it with the current one', async () => {
    world({ roles: true, issuer: true, application: true, grants: true, oidc: true }, BOT_ROLE);
    const legacy = `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/${TENANT}/`;
    iam.on(iamSdk.ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [{ Arn: legacy }, { Arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${MI_ISSUER}` }] });
    const result = await run(['--target', 'azure']);
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.deepEqual(writes(), [], 'left in place by a normal run');
    assert.ok(result.output.some((line) => line.startsWith(`the IAM OIDC provider ${legacy} (from an earlier version of this setup) is no longer used`)), result.output.join('\n'));
    const removed = await run(['--target', 'azure', '--delete']);
    assert.equal(removed.code, 0, removed.output.join('\n'));
    assert.deepEqual(inputsOf(iam, iamSdk.DeleteOpenIDConnectProviderCommand).map((input) => input.OpenIDConnectProviderArn), [`arn:aws:iam::${ACCOUNT}:oidc-provider/${MI_ISSUER}`, legacy]);
  });

  it('for local F5 with AWS, trusts the developer’s own principal (an assumed role stands for its role)', async () => {
    const principal = `arn:aws:iam::${ACCOUNT}:role/Admin`;
    world({}, principal);
    const result = await run(['--target', 'local'], { TEAMSFX_ENV: 'dev', BOT_MANAGED_IDENTITY_PRINCIPAL_ID: '' });
    assert.equal(result.code, 0, result.output.join('\n'));
    assert.equal(writes().filter((name) => name === 'CreateOpenIDConnectProviderCommand').length, 0, 'no Azure identity locally');
    const [userRole] = inputsOf(iam, iamSdk.CreateRoleCommand);
    assert.equal(JSON.parse(userRole?.AssumeRolePolicyDocument ?? '{}').Statement[0].Principal.AWS, principal);
    assert.match(result.userEnv, /^SECRET_TOKEN_STORE_KEY=[A-Za-z0-9+/]{43}=$/m, 'the local bot keeps its key in the .user file');
    assert.doesNotMatch(result.output.join('\n'), /SECRET_TOKEN_STORE_KEY/, 'the secret is never printed');
  });

  it('without AMAZON_Q_APP_ID (local F5), points the bot at the local services and calls no AWS API', async () => {
    world({}, BOT_ROLE);
    const result = await run(['--target', 'local'], { AMAZON_Q_APP_ID: '' });
    assert.equal(result.code, 0);
    assert.equal(sts.calls().length + sso.calls().length + iam.calls().length + q.calls().length, 0);
    assert.match(result.env, /^RUNTIME_AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:8088$/m);
    assert.match(result.env, /^RUNTIME_DEV_LOCAL_SIGN_IN=true$/m);
  });

  it('is a production tool: imports nothing from localdev/; the IAM and SSO admin clients serve it and `npm run doctor`, never the bot itself', () => {
    const root = join(__dirname, '../../..');
    const sources = ['deploy/aws', 'src'].flatMap((folder) => listTs(join(root, folder)));
    for (const file of sources) assert.doesNotMatch(readFileSync(file, 'utf8'), /from '[./]*localdev\//, file);
    // The doctor runs in the App Service console too (where only runtime dependencies are installed).
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const name of ['@aws-sdk/client-iam', '@aws-sdk/client-sso-admin', '@aws-sdk/client-identitystore']) assert.ok(manifest.dependencies[name], `${name} is a runtime dependency (npm run doctor)`);
    for (const file of listTs(join(root, 'src')).filter((path) => !path.includes('/src/doctor/'))) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from '@aws-sdk\/client-(iam|sso-admin|identitystore)'/, `${file}: the bot never administers AWS`);
    }
  });

  const failures: Array<[string, () => void, string[], RegExp]> = [
    ['no Identity Center instance', () => sso.on(ssoSdk.ListInstancesCommand).resolves({ Instances: [] }), [], /IAM Identity Center has no instance in us-east-1 \(the Amazon Q Business application uses arn:aws:sso:::instance\/ssoins-1234567890abcdef\): enable it there, or .* set AWS_IDC_REGION/],
    ['the Q application is not found', () => q.on(qSdk.GetApplicationCommand).rejects(Object.assign(new Error('Application not found'), { name: 'ResourceNotFoundException' })), [], /Amazon Q Business application a1b2.* was not found in us-east-1 \(account 444455556666\)/],
    ['a missing IAM permission', () => iam.on(iamSdk.CreateRoleCommand).rejects(Object.assign(new Error('not authorized to perform: iam:CreateRole'), { name: 'AccessDenied' })), [], /Missing permission to create the IAM role AmazonQBusinessTeamsBot-dev: not authorized to perform: iam:CreateRole/],
    ['expired credentials', () => sts.on(stsSdk.GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' })), [], /No valid AWS credentials to identify the Q Business account/],
    ['the Azure identity is not provisioned yet', () => undefined, ['BOT_MANAGED_IDENTITY_PRINCIPAL_ID'], /BOT_MANAGED_IDENTITY_PRINCIPAL_ID is not set \(the managed identity's principal id: infra\/azure\.bicep writes it, so arm\/deploy must run before this script\)/],
    ['the subscription tenant is not known', () => undefined, ['BOT_TENANT_ID'], /BOT_TENANT_ID is not set \(the Azure subscription's tenant/],
    [
      'the Q application\'s Identity Center instance is not visible with this profile and Region',
      () => sso.on(ssoSdk.ListInstancesCommand).resolves({ Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-other000000000', Status: 'ACTIVE' }] }),
      [],
      /uses the IAM Identity Center instance arn:aws:sso:::instance\/ssoins-1234567890abcdef, which is not visible in us-east-1 \(found: arn:aws:sso:::instance\/ssoins-other000000000\): set AWS_IDC_REGION .* AWS_PROFILE_IDENTITY_CENTER/,
    ],
    ['IAM never shows the new role (retries exhausted)', () => iam.on(iamSdk.CreateRoleCommand, { RoleName: 'AmazonQBusinessTeamsUser-dev' }).rejects(Object.assign(new Error('Invalid principal in policy: "AWS":"arn:aws:iam::444455556666:role/AmazonQBusinessTeamsBot-dev"'), { name: 'MalformedPolicyDocumentException' })), [], /Could not create the IAM role AmazonQBusinessTeamsUser-dev: MalformedPolicyDocumentException: Invalid principal/],
  ];
  for (const [label, arrange, unset, message] of failures) {
    it(`explains ${label} in one line`, async () => {
      world({}, BOT_ROLE);
      arrange();
      const result = await run(['--target', 'azure'], Object.fromEntries(unset.map((name) => [name, ''])));
      assert.equal(result.code, 1);
      const errors = result.output.filter((line) => line.startsWith('✖'));
      assert.equal(errors.length, 1);
      assert.match(errors[0] as string, message);
    });
  }
});
