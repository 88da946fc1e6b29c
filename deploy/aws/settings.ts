/**
 * What the AWS setup script works with: the toolkit environment's variables (the `script` action
 * passes them in) and its own flags. Parsed once; a missing value fails with what to set.
 */
import { parseArgs } from 'node:util';
import type { BotSettingName } from '../../src/config';
import type { DoctorSettingName } from '../../src/doctor/settings';
import { defineSettings } from '../../src/settings/definition';
import { environmentSource, settingsReader } from '../../src/settings/reader';

export const SETUP_SETTINGS = defineSettings([
  { names: ['TEAMSFX_ENV'], required: 'no (`local` with `--target local`, `dev` with `--target azure`)', meaning: "the toolkit environment whose `env/.env.<env>` files receive the outputs" },
]);

/** The bot's and the doctor's settings the setup script reads too (described in their tables). */
export const SETUP_BORROWS = [
  'AMAZON_Q_APP_ID',
  'AMAZON_Q_REGION',
  'AWS_IDC_REGION',
  'AAD_APP_CLIENT_ID',
  'AAD_APP_TENANT_ID',
  'BOT_ID',
  'BOT_TENANT_ID',
  'AWS_PROFILE_QBUSINESS',
  'AWS_PROFILE_IDENTITY_CENTER',
  'BOT_AWS_PRINCIPAL_ARN',
  'BOT_MANAGED_IDENTITY_PRINCIPAL_ID',
  'IDC_CLAIM_ATTRIBUTE',
  'IDC_IDENTITY_STORE_ATTRIBUTE',
] as const satisfies readonly (BotSettingName | DoctorSettingName)[];

export type Target = 'local' | 'azure';

export interface SetupSettings {
  target: Target;
  dryRun: boolean;
  delete: boolean;
  /** --widen-oidc-provider: add the bot's client ids to an IAM OIDC provider this setup did not create. */
  widenOidcProvider: boolean;
  environment: string;
  envFile: string;
  userEnvFile: string;
  /** Empty in local F5 without AWS: the bot then uses the local services. */
  qApplicationId: string;
  qRegion: string;
  idcRegion: string;
  idcProfile?: string;
  qProfile?: string;
  /** The Microsoft 365 (Entra) tenant of the people signing in: the SSO app's tenant. */
  tenantId: string;
  /** The tenant of the Azure subscription, which issues the managed identity's tokens (BOT_TENANT_ID); on Azure only. */
  botTenantId: string;
  ssoClientId: string;
  botId: string;
  botPrincipalArn?: string;
  managedIdentityPrincipalId?: string;
  /** On Azure, the managed identity's client id (BOT_ID): the `azp` of its tokens. */
  managedIdentityClientId?: string;
  claimAttribute: string;
  identityStoreAttribute: string;
}

export class SetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SetupError';
  }
}

export function parseSettings(argv: string[], env: Record<string, string | undefined>, projectRoot: string): SetupSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', default: 'local' },
      'dry-run': { type: 'boolean', default: false },
      delete: { type: 'boolean', default: false },
      'widen-oidc-provider': { type: 'boolean', default: false },
    },
  });
  // Problems are raised below, one SetupError naming all of them; the reader only reads.
  const reader = settingsReader(environmentSource(env), SETUP_SETTINGS, [], SETUP_BORROWS);
  const read = reader.text;
  const target = values.target as Target;
  if (target !== 'local' && target !== 'azure') throw new SetupError(`--target must be local or azure, got "${values.target}".`);
  const environment = read('TEAMSFX_ENV') ?? (target === 'local' ? 'local' : 'dev');
  const qRegion = read('AMAZON_Q_REGION') ?? 'us-east-1';
  const settings: SetupSettings = {
    target,
    dryRun: values['dry-run'] ?? false,
    delete: values.delete ?? false,
    widenOidcProvider: values['widen-oidc-provider'] ?? false,
    environment,
    envFile: `${projectRoot}/env/.env.${environment}`,
    userEnvFile: `${projectRoot}/env/.env.${environment}.user`,
    qApplicationId: read('AMAZON_Q_APP_ID') ?? '',
    qRegion,
    idcRegion: read('AWS_IDC_REGION') ?? qRegion,
    tenantId: read('AAD_APP_TENANT_ID') ?? '',
    ssoClientId: read('AAD_APP_CLIENT_ID') ?? '',
    botId: read('BOT_ID') ?? '',
    botTenantId: read('BOT_TENANT_ID') ?? '',
    claimAttribute: read('IDC_CLAIM_ATTRIBUTE') ?? 'email',
    identityStoreAttribute: read('IDC_IDENTITY_STORE_ATTRIBUTE') ?? 'emails.value',
    ...(read('AWS_PROFILE_IDENTITY_CENTER') ? { idcProfile: read('AWS_PROFILE_IDENTITY_CENTER') } : {}),
    ...(read('AWS_PROFILE_QBUSINESS') ? { qProfile: read('AWS_PROFILE_QBUSINESS') } : {}),
    ...(read('BOT_AWS_PRINCIPAL_ARN') ? { botPrincipalArn: read('BOT_AWS_PRINCIPAL_ARN') } : {}),
    ...(read('BOT_MANAGED_IDENTITY_PRINCIPAL_ID') ? { managedIdentityPrincipalId: read('BOT_MANAGED_IDENTITY_PRINCIPAL_ID') } : {}),
    ...(target === 'azure' && read('BOT_ID') ? { managedIdentityClientId: read('BOT_ID') } : {}),
  };
  if (!settings.qApplicationId) {
    if (target === 'azure') throw new SetupError(`AMAZON_Q_APP_ID is not set: the Amazon Q Business application this bot answers from. Set it in env/.env.${environment}.`);
    return settings;
  }
  const missing: string[] = [];
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{35}$/.test(settings.qApplicationId)) missing.push(`AMAZON_Q_APP_ID "${settings.qApplicationId}" is not an Amazon Q Business application ID (36 characters)`);
  if (!settings.tenantId) missing.push('AAD_APP_TENANT_ID is not set (the toolkit writes it when it creates the SSO app; run provision from the start)');
  if (!settings.ssoClientId) missing.push('AAD_APP_CLIENT_ID is not set (the toolkit writes it when it creates the SSO app)');
  if (target === 'azure' && !settings.dryRun) {
    // infra/azure.bicep's outputs; a dry run before provision shows placeholders instead.
    for (const [name, what] of [['BOT_MANAGED_IDENTITY_PRINCIPAL_ID', 'the managed identity\'s principal id'], ['BOT_ID', 'the managed identity\'s client id'], ['BOT_TENANT_ID', 'the Azure subscription\'s tenant']] as const) {
      if (!read(name)) missing.push(`${name} is not set (${what}: infra/azure.bicep writes it, so arm/deploy must run before this script)`);
    }
  }
  if (missing.length > 0) throw new SetupError(missing.join('; ') + '.');
  return settings;
}
