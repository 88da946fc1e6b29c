/**
 * The one place that reads the environment. Everything the bot needs is parsed and checked here
 * once at start-up; a missing or malformed value stops the process with a message naming the
 * variable and where to set it.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseExpertsChannel, type ExpertsChannel } from './domain/experts';
import { parseKnowledgeScopes, type KnowledgeScope } from './domain/knowledgeScopes';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotIdentityConfig {
  appId: string;
  appPassword?: string;
  appType: BotAppType;
  tenantId?: string;
}

/** Per-user, identity-aware Q access: Teams SSO → Identity Center → STS (see src/identity). */
export interface SsoConfig {
  /** The SSO Entra app (audience of the Teams SSO token). */
  clientId: string;
  tenantId: string;
  authorityHost: string;
  idcApplicationArn: string;
  idcRegion: string;
  qUserRoleArn: string;
  /** Application ID URI named in the OAuthCard's tokenExchangeResource. */
  resourceUri: string;
  /**
   * TOKEN_STORE_KEY: AES-256-GCM key for stored Identity Center refresh tokens (new records use it),
   * or empty when a Key Vault key wraps the data key; with both set, the key is adopted once (migration).
   */
  tokenStoreKey: Buffer;
  /** TOKEN_STORE_KEY_VAULT_KEY_URL: the Key Vault key (https://<vault>/keys/<name>, no version) that wraps the token-store data key. */
  tokenStoreKeyVaultKeyUrl?: string;
  /** The managed identity that unwraps it (BOT_ID). */
  tokenStoreKeyVaultClientId?: string;
  /** Earlier keys, still accepted to read records written before a rotation (TOKEN_STORE_PREVIOUS_KEYS). */
  tokenStorePreviousKeys: Buffer[];
  /** Public base URL of the bot, for the fallback sign-in pages. */
  botEndpoint?: string;
  /** Development only: sign playground users in through the local Entra-like issuer. */
  devLocalSignIn: boolean;
  /** Development only: sign everyone in as this sample person (F5 in Teams against local services). */
  devLocalSignInUser?: string;
}

export interface AppConfig {
  port: number;
  logLevel: LogLevel;
  /** Absent: every Q call uses the bot's own AWS credentials (SDK default chain). */
  sso?: SsoConfig;
  /** Absent: inbound Bot Framework authentication is off (local playground / Test Tool). */
  bot?: BotIdentityConfig;
  qbusiness: {
    applicationId: string;
    region: string;
  };
  /** On Azure: the bot's AWS identity through its managed identity (no stored keys). */
  botAwsWebIdentity?: { roleArn: string; audience: string; managedIdentityClientId: string };
  /** How long recent channel and group chat messages are kept for thread context. */
  threadContextDays: number;
  /** Where shared state lives: memory (one process) or an Azure Blob container (several instances). */
  state: StateStoreConfig;
  /** Settings the AWS SDK reads by itself; reported at start-up, never re-implemented here. */
  awsSdkEnvironment: Record<string, string>;
  /** botbuilder's own authentication settings (sovereign clouds, local tests); absent: public cloud. */
  botFramework?: BotFrameworkSettings;
  /** Tenants whose activities the bot serves; absent: any tenant Bot Framework authenticates. */
  allowedTenantIds?: string[];
  /** Development only: loopback serviceUrls and file hosts are accepted even with BOT_ID set. */
  devAllowLoopbackServices?: true;
  /** Stream answers in 1:1 chats with Q's Chat (STREAMING, default on); off: ChatSync and one card everywhere. */
  streaming: boolean;
  /** Answers in channels, group and meeting chats: private to the asker until shared (default), or posted for all. */
  sharedSpaceAnswers: 'private' | 'public';
  /** Knowledge scopes per team, channel or chat (KNOWLEDGE_SCOPES_FILE); empty: every space searches everything. */
  knowledgeScopes: KnowledgeScope[];
  /** EXPERTS_CHANNEL: where "Ask an expert" requests go when the space's scope names no experts; absent: no button there. */
  expertsChannel?: ExpertsChannel;
  /** Which instance this process is, in logs and telemetry: App Service's WEBSITE_INSTANCE_ID, else the host name. */
  instance: string;
  /** OpenTelemetry export (src/telemetry); absent: off, and nothing is instrumented. */
  telemetry?: TelemetryConfig;
  /** Meeting recaps: Microsoft Graph app-only access for the SSO app, secretless (src/graph); absent: off. */
  meetingRecaps?: MeetingRecapsConfig;
  /** Development only: Teams' meeting API served by the local services (the Agents Playground has none). */
  devTeamsMeetingApiUrl?: string;
}

export interface MeetingRecapsConfig {
  graphBaseUrl: string;
  /** The Teams app's Entra app (webApplicationInfo.id), which resource-specific consent is granted to. */
  clientId: string;
  tenantId: string;
  authorityHost: string;
  /** The user-assigned managed identity whose token is the app's client assertion (federated credential). */
  managedIdentityClientId: string;
}

/**
 * Where telemetry goes. The OpenTelemetry SDK and exporters read the other standard settings
 * themselves (sampler, resource attributes, OTLP headers and per-signal endpoints, batch limits):
 * `otelEnvironment` lists those present so start-up can report them.
 */
export interface TelemetryConfig {
  /** Application Insights connection string (APPLICATIONINSIGHTS_CONNECTION_STRING). */
  azureMonitorConnectionString?: string;
  /** An OTLP/HTTP collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT or a per-signal endpoint). */
  otlp?: { protocol: 'http/protobuf' | 'http/json' };
  metricExportIntervalMs: number;
  /** Log lines at this level and above are also exported as log records (stdout gets every line). */
  logExportLevel: LogLevel;
  /**
   * Application Insights' own samplers (names as in the Azure Monitor distro): traces per second,
   * or a fixed share of traces; both record the sample rate so Application Insights scales counts.
   * Absent: the SDK's sampler from OTEL_TRACES_SAMPLER (default parent-based always-on).
   */
  azureSampler?: { kind: 'rateLimited'; tracesPerSecond: number } | { kind: 'fixedPercentage'; ratio: number };
  otelEnvironment: Record<string, string>;
}

/**
 * Shared state: memory for one process; Azure Blob Storage for several instances, reached with the
 * managed identity (production) or a connection string (the Azure SDK convention; Azurite locally).
 */
export type StateStoreConfig =
  | { kind: 'memory' }
  | { kind: 'blobManagedIdentity'; containerUrl: string; managedIdentityClientId: string }
  | { kind: 'blobConnectionString'; connectionString: string; container: string };

/** The names botbuilder's ConfigurationBotFrameworkAuthentication reads, passed through as they are. */
export const BOT_FRAMEWORK_SETTING_NAMES = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ValidateAuthority',
  'OAuthUrl',
] as const;
export type BotFrameworkSettingName = (typeof BOT_FRAMEWORK_SETTING_NAMES)[number];
export type BotFrameworkSettings = Partial<Record<BotFrameworkSettingName, string>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const WHERE =
  'Set it in the environment (`npm start`), in env/.env.<environment> for the Teams Toolkit, or in .localConfigs for the dev scripts.';

const AWS_SDK_VARIABLES = [
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_QBUSINESS',
  'AWS_ENDPOINT_URL_SSO_OIDC',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ACCESS_KEY_ID',
];
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const APPLICATION_ID = /^[a-zA-Z0-9][a-zA-Z0-9-]{35}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const required = (name: string, what: string, pattern?: RegExp): string => {
    const value = read(name);
    if (!value) problems.push(`${name} is not set: ${what}. ${WHERE}`);
    else if (pattern && !pattern.test(value)) problems.push(`${name} has an unexpected value "${value}": ${what}.`);
    return value ?? '';
  };

  const portText = read('PORT') ?? '3978';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number (0-65535), got "${portText}".`);

  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);

  const retentionText = read('THREAD_CONTEXT_DAYS') ?? '7';
  const threadContextDays = Number(retentionText);
  if (!Number.isInteger(threadContextDays) || threadContextDays < 1 || threadContextDays > 90) problems.push(`THREAD_CONTEXT_DAYS must be a whole number of days from 1 to 90, got "${retentionText}".`);

  const applicationId = required('AMAZON_Q_APP_ID', 'the Amazon Q Business application ID (36 characters, from the Q Business console)', APPLICATION_ID);
  const region = required('AMAZON_Q_REGION', 'the AWS Region of the Amazon Q Business application, e.g. us-east-1', REGION);

  const bot = readBotIdentity(read, problems);
  const sso = readSso(read, problems, region, bot?.appId);
  const botAwsWebIdentity = readBotAwsWebIdentity(read, problems, bot);
  const state = readStateStore(read, problems, bot);
  const botFramework = readBotFrameworkSettings(read, problems);
  const allowedTenantIds = readAllowedTenants(read, problems, bot);
  const devAllowLoopbackServices = read('DEV_ALLOW_LOOPBACK_SERVICES') === 'true';
  const streaming = readStreaming(read, problems);
  const sharedSpaceAnswers = readSharedSpaceAnswers(read, problems);
  const knowledgeScopes = readKnowledgeScopes(read, problems);
  const expertsChannel = readExpertsChannel(read, problems);
  const telemetry = readTelemetry(read, problems);
  const meetingRecaps = readMeetingRecaps(read, problems, sso, bot);
  const devTeamsMeetingApiUrl = read('DEV_TEAMS_MEETING_API_URL')?.replace(/\/+$/, '');
  if (devTeamsMeetingApiUrl && (!LOOPBACK.test(devTeamsMeetingApiUrl) || bot)) problems.push(`DEV_TEAMS_MEETING_API_URL is for the local playground only: it must be a loopback URL (http://127.0.0.1:…) and BOT_ID must be unset, got "${devTeamsMeetingApiUrl}".`);
  if (problems.length > 0) throw new ConfigError(problems);

  const awsSdkEnvironment: Record<string, string> = {};
  for (const name of AWS_SDK_VARIABLES) {
    const value = read(name);
    // Only names are reported for credentials; values of endpoint/profile settings are harmless.
    if (value) awsSdkEnvironment[name] = name === 'AWS_ACCESS_KEY_ID' ? '(set)' : value;
  }
  return {
    port,
    logLevel,
    threadContextDays,
    ...(bot ? { bot } : {}),
    ...(sso ? { sso } : {}),
    ...(botAwsWebIdentity ? { botAwsWebIdentity } : {}),
    state,
    ...(botFramework ? { botFramework } : {}),
    ...(allowedTenantIds ? { allowedTenantIds } : {}),
    ...(devAllowLoopbackServices ? { devAllowLoopbackServices } : {}),
    qbusiness: { applicationId, region },
    awsSdkEnvironment,
    streaming,
    sharedSpaceAnswers,
    knowledgeScopes,
    ...(expertsChannel ? { expertsChannel } : {}),
    instance: read('WEBSITE_INSTANCE_ID') ?? hostname(),
    ...(telemetry ? { telemetry } : {}),
    ...(meetingRecaps ? { meetingRecaps } : {}),
    ...(devTeamsMeetingApiUrl ? { devTeamsMeetingApiUrl } : {}),
  };
}

/**
 * Meeting recaps are on when the bot can get Graph tokens without a secret: SSO configured (its
 * Entra app holds the meeting permissions) and a user-assigned managed identity
 * (GRAPH_MANAGED_IDENTITY_CLIENT_ID, default BOT_ID with BOT_TYPE=UserAssignedMsi). MEETING_RECAPS=off turns them off.
 */
function readMeetingRecaps(read: (name: string) => string | undefined, problems: string[], sso: SsoConfig | undefined, bot: BotIdentityConfig | undefined): MeetingRecapsConfig | undefined {
  const switchText = (read('MEETING_RECAPS') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(switchText)) problems.push(`MEETING_RECAPS must be "on" or "off", got "${switchText}".`);
  const managedIdentityClientId = read('GRAPH_MANAGED_IDENTITY_CLIENT_ID') ?? (bot?.appType === 'UserAssignedMSI' ? bot.appId : undefined);
  if (switchText === 'off' || !sso || !managedIdentityClientId) return undefined;
  if (!GUID.test(managedIdentityClientId)) problems.push(`GRAPH_MANAGED_IDENTITY_CLIENT_ID has an unexpected value "${managedIdentityClientId}": the client ID of the bot's user-assigned managed identity.`);
  const graphBaseUrl = (read('GRAPH_BASE_URL') ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  if (!/^https:\/\//.test(graphBaseUrl) && !LOOPBACK.test(graphBaseUrl)) problems.push(`GRAPH_BASE_URL must be an https URL (Microsoft Graph: https://graph.microsoft.com), got "${graphBaseUrl}".`);
  const authorityHost = (read('GRAPH_AUTHORITY_HOST') ?? sso.authorityHost).replace(/\/+$/, '');
  if (!/^https:\/\//.test(authorityHost) && !LOOPBACK.test(authorityHost)) problems.push(`GRAPH_AUTHORITY_HOST must be an https URL (Entra: https://login.microsoftonline.com), got "${authorityHost}".`);
  return { graphBaseUrl, clientId: sso.clientId, tenantId: sso.tenantId, authorityHost, managedIdentityClientId };
}

/** Azure Storage container names: 3–63 lowercase letters, digits and single hyphens. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

function readStateStore(read: (name: string) => string | undefined, problems: string[], bot: BotIdentityConfig | undefined): StateStoreConfig {
  const containerUrl = read('BOT_STATE_BLOB_URL');
  const connectionString = read('AZURE_STORAGE_CONNECTION_STRING');
  const container = read('BOT_STATE_BLOB_CONTAINER');
  if (containerUrl && (connectionString || container)) {
    problems.push('BOT_STATE_BLOB_URL and AZURE_STORAGE_CONNECTION_STRING/BOT_STATE_BLOB_CONTAINER are both set: use the container URL with the managed identity (Azure), or a connection string and container name (Azurite, other hosts), not both.');
    return { kind: 'memory' };
  }
  if (containerUrl) {
    if (!/^https:\/\/[^/]+\/[^/]+$/.test(containerUrl) || bot?.appType !== 'UserAssignedMSI') {
      problems.push(`BOT_STATE_BLOB_URL must be a blob container URL (https://<account>.blob.core.windows.net/<container>) and needs BOT_TYPE=UserAssignedMsi, got "${containerUrl}".`);
    }
    return { kind: 'blobManagedIdentity', containerUrl, managedIdentityClientId: bot?.appId ?? '' };
  }
  if (!connectionString && !container) return { kind: 'memory' };
  if (!connectionString) problems.push(`AZURE_STORAGE_CONNECTION_STRING is not set, but BOT_STATE_BLOB_CONTAINER is: set the storage account's connection string too (for Azurite: "UseDevelopmentStorage=true"), or unset BOT_STATE_BLOB_CONTAINER to keep state in memory. ${WHERE}`);
  if (!container) problems.push(`BOT_STATE_BLOB_CONTAINER is not set, but AZURE_STORAGE_CONNECTION_STRING is: name the blob container that holds the bot's state (e.g. bot-state). ${WHERE}`);
  else if (!CONTAINER_NAME.test(container)) problems.push(`BOT_STATE_BLOB_CONTAINER must be a container name (3-63 lowercase letters, digits and hyphens), got "${container}".`);
  // The value is a secret: never echoed, only checked for the part that says which account it is.
  if (connectionString && connectionString !== 'UseDevelopmentStorage=true' && !/(^|;)\s*(AccountName|BlobEndpoint)=/i.test(connectionString)) {
    problems.push('AZURE_STORAGE_CONNECTION_STRING does not look like an Azure Storage connection string (it names no AccountName or BlobEndpoint).');
  }
  return { kind: 'blobConnectionString', connectionString: connectionString ?? '', container: container ?? '' };
}

function readStreaming(read: (name: string) => string | undefined, problems: string[]): boolean {
  const value = (read('STREAMING') ?? 'on').toLowerCase();
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0'].includes(value)) return false;
  problems.push(`STREAMING must be "on" or "off", got "${value}".`);
  return true;
}

function readSharedSpaceAnswers(read: (name: string) => string | undefined, problems: string[]): 'private' | 'public' {
  const value = (read('SHARED_SPACE_ANSWERS') ?? 'private').toLowerCase();
  if (value === 'private' || value === 'public') return value;
  problems.push(`SHARED_SPACE_ANSWERS must be "private" (answers in channels and group chats stay the asker's until shared) or "public", got "${value}".`);
  return 'private';
}

/** The scopes file is read once, at start-up: a broken file stops the bot instead of searching too much. */
function readKnowledgeScopes(read: (name: string) => string | undefined, problems: string[]): KnowledgeScope[] {
  const file = read('KNOWLEDGE_SCOPES_FILE');
  if (!file) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`KNOWLEDGE_SCOPES_FILE "${file}" could not be read as JSON: ${(error as Error).message}`);
    return [];
  }
  const parsed = parseKnowledgeScopes(json);
  for (const problem of parsed.problems) problems.push(`KNOWLEDGE_SCOPES_FILE "${file}": ${problem}.`);
  return parsed.scopes;
}

function readExpertsChannel(read: (name: string) => string | undefined, problems: string[]): ExpertsChannel | undefined {
  const raw = read('EXPERTS_CHANNEL');
  if (!raw?.trim()) return undefined;
  const parsed = parseExpertsChannel(raw);
  if ('problem' in parsed) {
    problems.push(`EXPERTS_CHANNEL ${parsed.problem}.`);
    return undefined;
  }
  return parsed;
}

const OTEL_VARIABLES = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_MAX_QUEUE_SIZE',
];
/** Values that may carry credentials: reported by name only. */
const OTEL_SECRET_VARIABLES = new Set(['OTEL_EXPORTER_OTLP_HEADERS']);
const OTLP_ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'];

function readTelemetry(read: (name: string) => string | undefined, problems: string[]): TelemetryConfig | undefined {
  const azureMonitorConnectionString = read('APPLICATIONINSIGHTS_CONNECTION_STRING');
  const otlpConfigured = OTLP_ENDPOINT_VARIABLES.some((name) => read(name));
  if (read('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || (!azureMonitorConnectionString && !otlpConfigured)) return undefined;
  if (azureMonitorConnectionString && !/(^|;)\s*(InstrumentationKey|ConnectionString)=/i.test(azureMonitorConnectionString)) {
    problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING has no InstrumentationKey: copy the whole connection string from the Application Insights resource (Overview → Connection String).');
  }
  const protocol = read('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') problems.push(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not included), got "${protocol}".`);
  const intervalText = read('OTEL_METRIC_EXPORT_INTERVAL') ?? '60000';
  const metricExportIntervalMs = Number(intervalText);
  if (!Number.isInteger(metricExportIntervalMs) || metricExportIntervalMs < 1000) problems.push(`OTEL_METRIC_EXPORT_INTERVAL must be a whole number of milliseconds, at least 1000, got "${intervalText}".`);
  const logExportLevel = (read('TELEMETRY_LOG_LEVEL') ?? 'warn').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logExportLevel)) problems.push(`TELEMETRY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logExportLevel}".`);
  const azureSampler = readAzureSampler(read, problems, Boolean(azureMonitorConnectionString));
  const otelEnvironment: Record<string, string> = {};
  for (const name of OTEL_VARIABLES) {
    const value = read(name);
    if (value) otelEnvironment[name] = OTEL_SECRET_VARIABLES.has(name) ? '(set)' : value;
  }
  return {
    ...(azureMonitorConnectionString ? { azureMonitorConnectionString } : {}),
    ...(otlpConfigured ? { otlp: { protocol: protocol as 'http/protobuf' | 'http/json' } } : {}),
    metricExportIntervalMs,
    logExportLevel,
    ...(azureSampler ? { azureSampler } : {}),
    otelEnvironment,
  };
}

/** Like the Azure Monitor distro: with Application Insights and no sampler chosen, 5 traces per second. */
const DEFAULT_TRACES_PER_SECOND = 5;

function readAzureSampler(read: (name: string) => string | undefined, problems: string[], azureMonitor: boolean): TelemetryConfig['azureSampler'] {
  const sampler = read('OTEL_TRACES_SAMPLER');
  const argText = read('OTEL_TRACES_SAMPLER_ARG');
  const arg = argText === undefined ? undefined : Number(argText);
  if (sampler === undefined) return azureMonitor ? { kind: 'rateLimited', tracesPerSecond: DEFAULT_TRACES_PER_SECOND } : undefined;
  if (sampler === 'microsoft.rate_limited') {
    if (arg !== undefined && !(arg > 0)) problems.push(`OTEL_TRACES_SAMPLER_ARG must be a positive number of traces per second for microsoft.rate_limited, got "${argText}".`);
    return { kind: 'rateLimited', tracesPerSecond: arg ?? DEFAULT_TRACES_PER_SECOND };
  }
  if (sampler === 'microsoft.fixed_percentage') {
    if (arg === undefined || !(arg >= 0 && arg <= 1)) problems.push(`OTEL_TRACES_SAMPLER_ARG must be a share of traces from 0 to 1 for microsoft.fixed_percentage, got "${argText ?? ''}".`);
    return { kind: 'fixedPercentage', ratio: arg ?? 1 };
  }
  return undefined;
}

function readBotAwsWebIdentity(read: (name: string) => string | undefined, problems: string[], bot: BotIdentityConfig | undefined): AppConfig['botAwsWebIdentity'] {
  const roleArn = read('BOT_AWS_ROLE_ARN');
  if (!roleArn) return undefined;
  if (!ROLE_ARN.test(roleArn)) problems.push(`BOT_AWS_ROLE_ARN has an unexpected value "${roleArn}": the IAM role the bot assumes with its Azure managed identity.`);
  if (bot?.appType !== 'UserAssignedMSI') problems.push('BOT_AWS_ROLE_ARN needs the bot to run as a user-assigned managed identity: set BOT_ID (its client ID) and BOT_TYPE=UserAssignedMsi.');
  return { roleArn, audience: read('BOT_AWS_TOKEN_AUDIENCE') ?? 'api://AzureADTokenExchange', managedIdentityClientId: bot?.appId ?? '' };
}

const SSO_SWITCHES = ['AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'IDC_APPLICATION_ARN'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDC_APPLICATION_ARN = /^arn:aws:sso::\d{12}:application\/ssoins-[0-9a-z]+\/apl-[0-9a-z]+$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]+$/;
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

function readSso(read: (name: string) => string | undefined, problems: string[], qRegion: string, botId: string | undefined): SsoConfig | undefined {
  const present = SSO_SWITCHES.filter((name) => read(name));
  if (present.length === 0) {
    if (read('DEV_LOCAL_SIGN_IN')) problems.push(`DEV_LOCAL_SIGN_IN needs SSO: set ${SSO_SWITCHES.join(', ')}.`);
    return undefined;
  }
  if (present.length < SSO_SWITCHES.length) {
    const missing = SSO_SWITCHES.filter((name) => !read(name));
    problems.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: per-user sign-in needs all of ${SSO_SWITCHES.join(', ')} (or none, to use the bot's own AWS identity). ${WHERE}`);
    return undefined;
  }
  const check = (name: string, pattern: RegExp, what: string): string => {
    const value = read(name) ?? '';
    if (!value) problems.push(`${name} is not set: ${what}. ${WHERE}`);
    else if (!pattern.test(value)) problems.push(`${name} has an unexpected value "${value}": ${what}.`);
    return value;
  };
  const clientId = check('AAD_APP_CLIENT_ID', GUID, 'the client ID of the SSO Entra app');
  const tenantId = check('AAD_APP_TENANT_ID', GUID, 'the Entra tenant ID');
  const idcApplicationArn = check('IDC_APPLICATION_ARN', IDC_APPLICATION_ARN, 'the ARN of the IAM Identity Center customer-managed application (arn:aws:sso::<account>:application/ssoins-…/apl-…)');
  const qUserRoleArn = check('Q_USER_ROLE_ARN', ROLE_ARN, 'the IAM role the bot assumes with each user\'s Identity Center context (arn:aws:iam::<account>:role/…)');
  const idcRegion = read('AWS_IDC_REGION') ?? qRegion;
  if (!REGION.test(idcRegion)) problems.push(`AWS_IDC_REGION has an unexpected value "${idcRegion}": the Region of IAM Identity Center.`);
  const authorityHost = (read('AAD_APP_OAUTH_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  if (!/^https:\/\//.test(authorityHost) && !LOOPBACK.test(authorityHost)) problems.push(`AAD_APP_OAUTH_AUTHORITY_HOST must be an https URL, got "${authorityHost}".`);
  const resourceUri = read('SSO_RESOURCE_URI') ?? (botId ? `api://botid-${botId}` : '');
  if (!resourceUri) problems.push(`SSO_RESOURCE_URI is not set: the Application ID URI of the SSO Entra app (defaults to api://botid-<BOT_ID> when BOT_ID is set). ${WHERE}`);
  const botEndpoint = read('BOT_ENDPOINT')?.replace(/\/+$/, '');
  if (botEndpoint && !/^https:\/\//.test(botEndpoint) && !LOOPBACK.test(botEndpoint)) problems.push(`BOT_ENDPOINT must be the bot's public https URL, got "${botEndpoint}".`);

  const keyText = read('TOKEN_STORE_KEY');
  const tokenStoreKey = keyText ? Buffer.from(keyText, 'base64') : Buffer.alloc(0);
  const tokenStorePreviousKeys = readPreviousTokenStoreKeys(read, problems);
  const tokenStoreKeyVaultKeyUrl = read('TOKEN_STORE_KEY_VAULT_KEY_URL')?.replace(/\/+$/, '');
  if (tokenStoreKeyVaultKeyUrl && !/^https:\/\/[^/\s]+\/keys\/[\w-]+$/.test(tokenStoreKeyVaultKeyUrl)) {
    problems.push(`TOKEN_STORE_KEY_VAULT_KEY_URL must be a Key Vault key without a version (https://<vault>.vault.azure.net/keys/<name>), got "${tokenStoreKeyVaultKeyUrl}".`);
  }
  if (keyText && isUnresolvedKeyVaultReference(keyText)) {
    problems.push(unresolvedKeyVaultReference('TOKEN_STORE_KEY'));
  } else if (keyText ? tokenStoreKey.length !== 32 : !tokenStoreKeyVaultKeyUrl) {
    problems.push(
      `TOKEN_STORE_KEY ${keyText ? 'must be 32 bytes, base64-encoded' : 'is not set: the key that encrypts stored sign-ins (on Azure set TOKEN_STORE_KEY_VAULT_KEY_URL instead: provisioning does)'}. Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))". ${WHERE}`,
    );
  }
  if (tokenStoreKeyVaultKeyUrl && !botId) problems.push('TOKEN_STORE_KEY_VAULT_KEY_URL needs BOT_ID: the managed identity that unwraps the token-store key.');

  const devLocalSignIn = read('DEV_LOCAL_SIGN_IN') === 'true';
  if (devLocalSignIn) {
    // The development sign-in mints tokens itself: it must never face a real tenant or AWS.
    const endpoints: Array<[string, string | undefined]> = [
      ['AAD_APP_OAUTH_AUTHORITY_HOST', authorityHost],
      ['AWS_ENDPOINT_URL_QBUSINESS', read('AWS_ENDPOINT_URL_QBUSINESS') ?? read('AWS_ENDPOINT_URL')],
      ['AWS_ENDPOINT_URL_SSO_OIDC', read('AWS_ENDPOINT_URL_SSO_OIDC') ?? read('AWS_ENDPOINT_URL')],
      ['AWS_ENDPOINT_URL_STS', read('AWS_ENDPOINT_URL_STS') ?? read('AWS_ENDPOINT_URL')],
    ];
    for (const [name, value] of endpoints) {
      if (!value || !LOOPBACK.test(value)) problems.push(`DEV_LOCAL_SIGN_IN=true is only for the local services, but ${name} is ${value ? `"${value}"` : 'not set'}: point it at the local services (http://127.0.0.1:…) or remove DEV_LOCAL_SIGN_IN.`);
    }
  }
  const devLocalSignInUser = read('DEV_LOCAL_SIGN_IN_USER');
  if (devLocalSignInUser && !devLocalSignIn) problems.push('DEV_LOCAL_SIGN_IN_USER only applies with DEV_LOCAL_SIGN_IN=true.');
  return {
    clientId,
    tenantId,
    authorityHost,
    idcApplicationArn,
    idcRegion,
    qUserRoleArn,
    resourceUri,
    tokenStoreKey,
    tokenStorePreviousKeys,
    ...(tokenStoreKeyVaultKeyUrl ? { tokenStoreKeyVaultKeyUrl, ...(botId ? { tokenStoreKeyVaultClientId: botId } : {}) } : {}),
    devLocalSignIn,
    ...(devLocalSignInUser ? { devLocalSignInUser } : {}),
    ...(botEndpoint ? { botEndpoint } : {}),
  };
}

/**
 * TOKEN_STORE_PREVIOUS_KEYS: earlier token-store keys, base64, separated by commas; empty or
 * `none` (what provisioning puts in Key Vault before any rotation) means there are none.
 */
function readPreviousTokenStoreKeys(read: (name: string) => string | undefined, problems: string[]): Buffer[] {
  const text = read('TOKEN_STORE_PREVIOUS_KEYS') ?? '';
  if (isUnresolvedKeyVaultReference(text)) {
    problems.push(unresolvedKeyVaultReference('TOKEN_STORE_PREVIOUS_KEYS'));
    return [];
  }
  const entries = text.split(/[\s,]+/).filter((entry) => entry && entry !== 'none');
  const keys = entries.map((entry) => Buffer.from(entry, 'base64'));
  const malformed = keys.filter((key) => key.length !== 32).length;
  if (malformed > 0) problems.push(`TOKEN_STORE_PREVIOUS_KEYS must list earlier token-store keys (32 bytes, base64 each) separated by commas; ${malformed} of ${keys.length} entries are not such a key.`);
  return keys;
}

/** App Service leaves the reference text in place when it cannot read the secret. */
function isUnresolvedKeyVaultReference(value: string): boolean {
  return value.startsWith('@Microsoft.KeyVault(');
}

function unresolvedKeyVaultReference(name: string): string {
  return `${name} is a Key Vault reference App Service could not resolve: give the web app's keyVaultReferenceIdentity (the bot's managed identity) the Key Vault Secrets User role on the vault, check the secret exists (provision creates it), and see the reference status under the web app's Environment variables in the portal.`;
}

function readBotIdentity(read: (name: string) => string | undefined, problems: string[]): BotIdentityConfig | undefined {
  const appId = read('BOT_ID');
  if (!appId) return undefined;
  const typeText = (read('BOT_TYPE') ?? 'MultiTenant').toLowerCase();
  const appType = ({ multitenant: 'MultiTenant', singletenant: 'SingleTenant', userassignedmsi: 'UserAssignedMSI' } as const)[
    typeText as 'multitenant' | 'singletenant' | 'userassignedmsi'
  ];
  if (!appType) {
    problems.push(`BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMsi, got "${typeText}".`);
    return undefined;
  }
  const appPassword = read('BOT_PASSWORD');
  const tenantId = read('BOT_TENANT_ID');
  if (appType !== 'UserAssignedMSI' && !appPassword) problems.push(`BOT_PASSWORD is not set: the client secret of the bot's Entra app (BOT_ID is set and BOT_TYPE is ${appType}). ${WHERE}`);
  if (appType !== 'MultiTenant' && !tenantId) problems.push(`BOT_TENANT_ID is not set: the Entra tenant of the bot (required for BOT_TYPE=${appType}). ${WHERE}`);
  return { appId, appType, ...(appPassword ? { appPassword } : {}), ...(tenantId ? { tenantId } : {}) };
}

function readBotFrameworkSettings(read: (name: string) => string | undefined, problems: string[]): BotFrameworkSettings | undefined {
  const settings: BotFrameworkSettings = {};
  for (const name of BOT_FRAMEWORK_SETTING_NAMES) {
    const value = read(name);
    if (!value) continue;
    if (name === 'ValidateAuthority' ? !/^(true|false)$/i.test(value) : !/^https?:\/\/[^\s]+$/.test(value)) {
      problems.push(`${name} has an unexpected value "${value}": ${name === 'ValidateAuthority' ? 'true or false' : 'a URL'} (a botbuilder authentication setting).`);
    }
    settings[name] = value;
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** ALLOWED_TENANT_IDS: comma-separated tenant ids, or `*` for any; single-tenant bots default to their own. */
function readAllowedTenants(read: (name: string) => string | undefined, problems: string[], bot: BotIdentityConfig | undefined): string[] | undefined {
  const text = read('ALLOWED_TENANT_IDS');
  if (text === '*') return undefined;
  if (!text) return bot && bot.appType !== 'MultiTenant' && bot.tenantId ? [bot.tenantId.toLowerCase()] : undefined;
  const tenants = text.split(',').map((tenant) => tenant.trim().toLowerCase()).filter(Boolean);
  const malformed = tenants.filter((tenant) => !GUID.test(tenant));
  if (tenants.length === 0 || malformed.length > 0) problems.push(`ALLOWED_TENANT_IDS must be Entra tenant ids separated by commas (or * for any tenant), got "${text}".`);
  return tenants;
}

/**
 * `npm run doctor` (src/doctor): what the read-only deployment check needs. Read from the
 * toolkit environment's files (passed in, already parsed) over the process environment, so it
 * runs the same on an operator's machine (`--env dev`) and in the App Service console (app
 * settings only). Nothing here is required: a missing value becomes a ✘ or — line, not a crash.
 */
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

export function loadDoctorConfig(files: Record<string, string>, env: Record<string, string | undefined> = process.env): DoctorConfig {
  // A value in the environment's files wins: the operator named that environment explicitly.
  const read = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = files[name]?.trim() || env[name]?.trim();
      if (value) return value;
    }
    return undefined;
  };
  const qRegion = read('AMAZON_Q_REGION', 'RUNTIME_AMAZON_Q_REGION') ?? 'us-east-1';
  const botId = read('BOT_ID');
  const subscriptionId = read('AZURE_SUBSCRIPTION_ID');
  const resourceGroup = read('AZURE_RESOURCE_GROUP_NAME');
  // infra/azure.parameters.json names the bot resource qbot<RESOURCE_SUFFIX>.
  const botResourceName = read('DOCTOR_BOT_RESOURCE_NAME') ?? (read('RESOURCE_SUFFIX') ? `qbot${read('RESOURCE_SUFFIX')}` : undefined);
  const botRoleArn = read('BOT_AWS_ROLE_ARN');
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> => (value ? ({ [key]: value } as Record<K, string>) : {});
  return {
    ...optional('qApplicationId', read('AMAZON_Q_APP_ID', 'RUNTIME_AMAZON_Q_APP_ID')),
    qRegion,
    idcRegion: read('AWS_IDC_REGION', 'RUNTIME_AWS_IDC_REGION') ?? qRegion,
    ...optional('qProfile', read('AWS_PROFILE_QBUSINESS')),
    ...optional('idcProfile', read('AWS_PROFILE_IDENTITY_CENTER')),
    ...optional('idcApplicationArn', read('IDC_APPLICATION_ARN', 'RUNTIME_IDC_APPLICATION_ARN')),
    ...optional('qUserRoleArn', read('Q_USER_ROLE_ARN', 'RUNTIME_Q_USER_ROLE_ARN')),
    ...optional('botPrincipalArn', botRoleArn ?? read('BOT_AWS_PRINCIPAL_ARN')),
    ...optional('botRoleArn', botRoleArn),
    ...optional('ssoClientId', read('AAD_APP_CLIENT_ID', 'RUNTIME_AAD_APP_CLIENT_ID')),
    ...optional('ssoTenantId', read('AAD_APP_TENANT_ID', 'RUNTIME_AAD_APP_TENANT_ID')),
    ...optional('botTenantId', read('BOT_TENANT_ID', 'AAD_APP_TENANT_ID', 'RUNTIME_AAD_APP_TENANT_ID')),
    ...optional('botId', botId),
    ...optional('botType', read('BOT_TYPE')),
    ...optional('managedIdentityPrincipalId', read('BOT_MANAGED_IDENTITY_PRINCIPAL_ID')),
    ...optional('resourceUri', read('SSO_RESOURCE_URI', 'RUNTIME_SSO_RESOURCE_URI') ?? (botId ? `api://botid-${botId}` : undefined)),
    ...optional('botEndpoint', read('BOT_ENDPOINT')?.replace(/\/+$/, '')),
    ...optional('knowledgeScopesFile', read('KNOWLEDGE_SCOPES_FILE')),
    claimAttribute: read('IDC_CLAIM_ATTRIBUTE') ?? 'email',
    identityStoreAttribute: read('IDC_IDENTITY_STORE_ATTRIBUTE') ?? 'emails.value',
    ...(subscriptionId && resourceGroup && botResourceName ? { azure: { subscriptionId, resourceGroup, botResourceName } } : {}),
    graphUrl: (read('DOCTOR_GRAPH_URL') ?? 'https://graph.microsoft.com').replace(/\/+$/, ''),
    armUrl: (read('DOCTOR_ARM_URL') ?? 'https://management.azure.com').replace(/\/+$/, ''),
    onAzure: Boolean(env.WEBSITE_INSTANCE_ID?.trim()),
  };
}
