/**
 * The bot's own AWS identity: on Azure, a role assumed with its managed identity; elsewhere the
 * AWS SDK's default chain, whose settings the SDK reads itself (reported at start-up, never
 * re-implemented here).
 */
import { defineSettings, type NamesOf } from '../settings/definition';
import type { SettingsReader } from '../settings/reader';
import { ROLE_ARN } from '../settings/values';
import { TOKEN_EXCHANGE_RESOURCE } from './azureWebIdentity';

const AWS_CREDENTIAL_VARIABLES = ['AWS_PROFILE', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'] as const;
const AWS_ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_QBUSINESS', 'AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_ENDPOINT_URL_STS'] as const;

export const AWS_SETTINGS = defineSettings([
  { names: ['BOT_AWS_ROLE_ARN'], required: 'on Azure', meaning: 'the role the bot assumes with its managed identity (`AssumeRoleWithWebIdentity`); needs `BOT_TYPE=UserAssignedMsi`' },
  {
    names: ['BOT_AWS_TOKEN_AUDIENCE'],
    required: 'no (`api://AzureADTokenExchange`)',
    meaning: 'the resource that managed identity token is requested for (its tokens carry `aud` `fb60f99c-7a34-4190-8149-302f77469936`)',
  },
  {
    names: AWS_CREDENTIAL_VARIABLES,
    required: "no (the SDK's default credential chain)",
    meaning:
      'the bot\'s own AWS identity where it has no managed identity (`BOT_AWS_ROLE_ARN`), read by the AWS SDK itself (the secret key and session token too); the start-up line names the ones set (`AWS_ACCESS_KEY_ID` only as "(set)")',
  },
  {
    names: AWS_ENDPOINT_VARIABLES,
    required: "no (AWS's public endpoints)",
    meaning: 'endpoint overrides honoured by the AWS SDK (the local services in the playground and the tests); with `DEV_LOCAL_SIGN_IN=true` they must point at loopback',
  },
]);

/** The endpoint each AWS service is reached at when overridden: its own variable, else AWS_ENDPOINT_URL. */
export interface AwsEndpointOverrides {
  qbusiness?: string;
  ssoOidc?: string;
  sts?: string;
}

export interface AwsSettings {
  /** On Azure: the bot's AWS identity through its managed identity (no stored keys). */
  botAwsWebIdentity?: { roleArn: string; audience: string; managedIdentityClientId: string };
  /** Settings the AWS SDK reads by itself, for the start-up line (credentials by name only). */
  awsSdkEnvironment: Record<string, string>;
  endpoints: AwsEndpointOverrides;
}

/** `managedIdentityClientId`: BOT_ID when the bot runs as a user-assigned managed identity. */
export function readAwsSettings(read: SettingsReader<NamesOf<typeof AWS_SETTINGS>>, managedIdentityClientId: string | undefined): AwsSettings {
  const roleArn = read.text('BOT_AWS_ROLE_ARN');
  const audience = read.text('BOT_AWS_TOKEN_AUDIENCE') ?? TOKEN_EXCHANGE_RESOURCE;
  if (roleArn && !ROLE_ARN.test(roleArn)) read.problem(`BOT_AWS_ROLE_ARN has an unexpected value "${roleArn}": the IAM role the bot assumes with its Azure managed identity.`);
  if (roleArn && !managedIdentityClientId) read.problem('BOT_AWS_ROLE_ARN needs the bot to run as a user-assigned managed identity: set BOT_ID (its client ID) and BOT_TYPE=UserAssignedMsi.');

  const awsSdkEnvironment: Record<string, string> = {};
  for (const name of [...AWS_CREDENTIAL_VARIABLES, ...AWS_ENDPOINT_VARIABLES]) {
    const value = read.text(name);
    // Only names are reported for credentials; values of endpoint/profile settings are harmless.
    if (value) awsSdkEnvironment[name] = name === 'AWS_ACCESS_KEY_ID' ? '(set)' : value;
  }
  const shared = read.text('AWS_ENDPOINT_URL');
  const endpoint = (name: 'AWS_ENDPOINT_URL_QBUSINESS' | 'AWS_ENDPOINT_URL_SSO_OIDC' | 'AWS_ENDPOINT_URL_STS'): string | undefined => read.text(name) ?? shared;
  return {
    ...(roleArn ? { botAwsWebIdentity: { roleArn, audience, managedIdentityClientId: managedIdentityClientId ?? '' } } : {}),
    awsSdkEnvironment,
    endpoints: { qbusiness: endpoint('AWS_ENDPOINT_URL_QBUSINESS'), ssoOidc: endpoint('AWS_ENDPOINT_URL_SSO_OIDC'), sts: endpoint('AWS_ENDPOINT_URL_STS') },
  };
}
