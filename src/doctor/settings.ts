/**
 * `npm run doctor`: what the read-only deployment check needs. Read from the toolkit
 * environment's files over the process environment (the files win: the operator named that
 * environment explicitly), so it runs the same on an operator's machine (`--env dev`) and in the App Service console (app
 * settings only). Nothing here is required: a missing value becomes a ✘ or — line, not a crash.
 */
import type { BotSettingName } from '../config';
import { HOST_SETTINGS } from '../hostSettings';
import { defineSettings, type NamesOf } from '../settings/definition';
import { environmentSource, settingsReader, type SettingsReader, type SettingsSource } from '../settings/reader';

export interface DoctorConfig {
  qApplicationId?: string;
  qRegion: string;
  idcRegion: string;
  /** Named AWS profiles; absent: the SDK's default chain (or the managed identity on Azure). */
  qProfile?: string;
  idcProfile?: string;
  idcApplicationArn?: string;
  qUserRoleArn?: string;
  /** The principal that calls CreateTokenWithIAM and AssumeRole: the bot role on Azure. */
  botPrincipalArn?: string;
  /** The bot role assumed with the managed identity (Azure deployments only). */
  botRoleArn?: string;
  ssoClientId?: string;
  ssoTenantId?: string;
  /** The tenant of the bot's managed identity (issuer of its web-identity token). */
  botTenantId?: string;
  botId?: string;
  botType?: string;
  managedIdentityPrincipalId?: string;
  resourceUri?: string;
  botEndpoint?: string;
  claimAttribute: string;
  identityStoreAttribute: string;
  azure?: { subscriptionId: string; resourceGroup: string; botResourceName: string };
  graphUrl: string;
  armUrl: string;
  /** Running inside App Service: Azure reads use the managed identity. */
  onAzure: boolean;
  /** The bot's knowledge scopes file (KNOWLEDGE_SCOPES_FILE), checked by src/doctor/knowledgeScopes. */
  knowledgeScopesFile?: string;
}

/** The toolkit writes the web app's settings under these names; the doctor accepts either. */
const RUNTIME_NAMES = [
  'RUNTIME_AMAZON_Q_APP_ID',
  'RUNTIME_AMAZON_Q_REGION',
  'RUNTIME_AWS_IDC_REGION',
  'RUNTIME_IDC_APPLICATION_ARN',
  'RUNTIME_Q_USER_ROLE_ARN',
  'RUNTIME_AAD_APP_CLIENT_ID',
  'RUNTIME_AAD_APP_TENANT_ID',
  'RUNTIME_SSO_RESOURCE_URI',
] as const;

export const DOCTOR_SETTINGS = defineSettings([
  { names: RUNTIME_NAMES, required: 'no', meaning: "the same settings as the bot's, under the names the toolkit writes them" },
  { names: ['AWS_PROFILE_QBUSINESS', 'AWS_PROFILE_IDENTITY_CENTER'], required: 'no (the default chain)', meaning: 'AWS profiles for the Q Business account and the Identity Center account' },
  {
    names: ['BOT_AWS_PRINCIPAL_ARN'],
    required: 'no',
    meaning: 'the principal that calls `CreateTokenWithIAM` and `AssumeRole` when it is not the bot role (F5 with your own AWS credentials)',
  },
  { names: ['BOT_MANAGED_IDENTITY_PRINCIPAL_ID'], required: 'no', meaning: "the managed identity's principal id, which the bot role's trust pins as `sub`" },
  { names: ['IDC_CLAIM_ATTRIBUTE', 'IDC_IDENTITY_STORE_ATTRIBUTE'], required: 'no (`email`, `emails.value`)', meaning: "the trusted token issuer's claim mapping" },
  { names: ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX'], required: 'no', meaning: 'where the Azure Bot resource is (its name: `qbot<RESOURCE_SUFFIX>`)' },
  { names: ['DOCTOR_BOT_RESOURCE_NAME'], required: 'no (`qbot<RESOURCE_SUFFIX>`)', meaning: "the Azure Bot resource's name, when it differs" },
  {
    names: ['DOCTOR_GRAPH_URL', 'DOCTOR_ARM_URL'],
    required: 'no (`https://graph.microsoft.com`, `https://management.azure.com`)',
    meaning: 'Microsoft Graph and Azure Resource Manager (the local stand-ins in tests)',
  },
]);

/** The bot's settings the doctor reads too (`satisfies`: a name that is not the bot's fails the build). */
export const DOCTOR_BORROWS = [
  'AMAZON_Q_APP_ID',
  'AMAZON_Q_REGION',
  'AWS_IDC_REGION',
  'IDC_APPLICATION_ARN',
  'Q_USER_ROLE_ARN',
  'AAD_APP_CLIENT_ID',
  'AAD_APP_TENANT_ID',
  'SSO_RESOURCE_URI',
  'BOT_ID',
  'BOT_TYPE',
  'BOT_TENANT_ID',
  'BOT_AWS_ROLE_ARN',
  'BOT_ENDPOINT',
  'KNOWLEDGE_SCOPES_FILE',
  // From the process environment only: whether the doctor runs inside App Service.
  'WEBSITE_INSTANCE_ID',
] as const satisfies readonly BotSettingName[];

export type DoctorSettingName = NamesOf<typeof DOCTOR_SETTINGS> | (typeof DOCTOR_BORROWS)[number];

/** `files`: the environment's env files, already parsed; `env`: the process environment. */
export function loadDoctorConfig(files: Record<string, string>, env: Readonly<Record<string, string | undefined>>): DoctorConfig {
  const source: SettingsSource = (name) => files[name]?.trim() || env[name];
  // Nothing here is required, so there are no problems to collect.
  const read = settingsReader(source, DOCTOR_SETTINGS, [], DOCTOR_BORROWS);
  // Whether the doctor runs in App Service comes from the process alone, never from a file.
  const onAzure = settingsReader(environmentSource(env), HOST_SETTINGS, []).text('WEBSITE_INSTANCE_ID') !== undefined;
  return readDoctorSettings(read, onAzure);
}

function readDoctorSettings(read: SettingsReader<DoctorSettingName>, onAzure: boolean): DoctorConfig {
  const qRegion = read.firstOf('AMAZON_Q_REGION', 'RUNTIME_AMAZON_Q_REGION') ?? 'us-east-1';
  const botId = read.text('BOT_ID');
  const subscriptionId = read.text('AZURE_SUBSCRIPTION_ID');
  const resourceGroup = read.text('AZURE_RESOURCE_GROUP_NAME');
  const suffix = read.text('RESOURCE_SUFFIX');
  // infra/azure.parameters.json names the bot resource qbot<RESOURCE_SUFFIX>.
  const botResourceName = read.text('DOCTOR_BOT_RESOURCE_NAME') ?? (suffix ? `qbot${suffix}` : undefined);
  const botRoleArn = read.text('BOT_AWS_ROLE_ARN');
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> => (value ? ({ [key]: value } as Record<K, string>) : {});
  return {
    ...optional('qApplicationId', read.firstOf('AMAZON_Q_APP_ID', 'RUNTIME_AMAZON_Q_APP_ID')),
    qRegion,
    idcRegion: read.firstOf('AWS_IDC_REGION', 'RUNTIME_AWS_IDC_REGION') ?? qRegion,
    ...optional('qProfile', read.text('AWS_PROFILE_QBUSINESS')),
    ...optional('idcProfile', read.text('AWS_PROFILE_IDENTITY_CENTER')),
    ...optional('idcApplicationArn', read.firstOf('IDC_APPLICATION_ARN', 'RUNTIME_IDC_APPLICATION_ARN')),
    ...optional('qUserRoleArn', read.firstOf('Q_USER_ROLE_ARN', 'RUNTIME_Q_USER_ROLE_ARN')),
    ...optional('botPrincipalArn', botRoleArn ?? read.text('BOT_AWS_PRINCIPAL_ARN')),
    ...optional('botRoleArn', botRoleArn),
    ...optional('ssoClientId', read.firstOf('AAD_APP_CLIENT_ID', 'RUNTIME_AAD_APP_CLIENT_ID')),
    ...optional('ssoTenantId', read.firstOf('AAD_APP_TENANT_ID', 'RUNTIME_AAD_APP_TENANT_ID')),
    ...optional('botTenantId', read.firstOf('BOT_TENANT_ID', 'AAD_APP_TENANT_ID', 'RUNTIME_AAD_APP_TENANT_ID')),
    ...optional('botId', botId),
    ...optional('botType', read.text('BOT_TYPE')),
    ...optional('managedIdentityPrincipalId', read.text('BOT_MANAGED_IDENTITY_PRINCIPAL_ID')),
    ...optional('resourceUri', read.firstOf('SSO_RESOURCE_URI', 'RUNTIME_SSO_RESOURCE_URI') ?? (botId ? `api://botid-${botId}` : undefined)),
    ...optional('botEndpoint', read.text('BOT_ENDPOINT')?.replace(/\/+$/, '')),
    ...optional('knowledgeScopesFile', read.text('KNOWLEDGE_SCOPES_FILE')),
    claimAttribute: read.text('IDC_CLAIM_ATTRIBUTE') ?? 'email',
    identityStoreAttribute: read.text('IDC_IDENTITY_STORE_ATTRIBUTE') ?? 'emails.value',
    ...(subscriptionId && resourceGroup && botResourceName ? { azure: { subscriptionId, resourceGroup, botResourceName } } : {}),
    graphUrl: (read.text('DOCTOR_GRAPH_URL') ?? 'https://graph.microsoft.com').replace(/\/+$/, ''),
    armUrl: (read.text('DOCTOR_ARM_URL') ?? 'https://management.azure.com').replace(/\/+$/, ''),
    onAzure,
  };
}
