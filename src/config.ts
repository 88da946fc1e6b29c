/**
 * The one place that reads the environment. Everything the bot needs is parsed and checked here
 * once at start-up; a missing or malformed value stops the process with a message naming the
 * variable and where to set it.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotIdentityConfig {
  appId: string;
  appPassword?: string;
  appType: BotAppType;
  tenantId?: string;
}

export interface AppConfig {
  port: number;
  logLevel: LogLevel;
  /** Absent: inbound Bot Framework authentication is off (local playground / Test Tool). */
  bot?: BotIdentityConfig;
  qbusiness: {
    applicationId: string;
    region: string;
  };
  /** Settings the AWS SDK reads by itself; reported at start-up, never re-implemented here. */
  awsSdkEnvironment: Record<string, string>;
}

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

  const applicationId = required('AMAZON_Q_APP_ID', 'the Amazon Q Business application ID (36 characters, from the Q Business console)', APPLICATION_ID);
  const region = required('AMAZON_Q_REGION', 'the AWS Region of the Amazon Q Business application, e.g. us-east-1', REGION);

  const bot = readBotIdentity(read, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const awsSdkEnvironment: Record<string, string> = {};
  for (const name of AWS_SDK_VARIABLES) {
    const value = read(name);
    // Only names are reported for credentials; values of endpoint/profile settings are harmless.
    if (value) awsSdkEnvironment[name] = name === 'AWS_ACCESS_KEY_ID' ? '(set)' : value;
  }
  return { port, logLevel, ...(bot ? { bot } : {}), qbusiness: { applicationId, region }, awsSdkEnvironment };
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
