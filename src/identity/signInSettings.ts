/**
 * Per-user, identity-aware Q access (Teams SSO → Identity Center → STS): the SSO Entra app, the
 * Identity Center application and role, the key that seals stored sign-ins, and the development
 * sign-in that never faces a real tenant.
 */
import { defineSettings, type NamesOf } from '../settings/definition';
import { WHERE, type SettingsReader } from '../settings/reader';
import { GUID, LOOPBACK, REGION, ROLE_ARN } from '../settings/values';
import type { AwsEndpointOverrides } from './awsSettings';

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

const SSO_SWITCHES = ['AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'IDC_APPLICATION_ARN'] as const;

export const SIGN_IN_SETTINGS = defineSettings([
  {
    names: SSO_SWITCHES,
    required: 'all three, or none',
    meaning: 'turn per-user sign-in on: the SSO Entra app, its tenant, and the IAM Identity Center customer-managed application',
  },
  { names: ['Q_USER_ROLE_ARN'], required: 'with sign-in', meaning: "the role assumed with each person's identity context" },
  {
    names: ['TOKEN_STORE_KEY'],
    required: 'with sign-in, unless `TOKEN_STORE_KEY_VAULT_KEY_URL`',
    meaning:
      '32 random bytes, base64: encrypts stored refresh tokens (`node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"`). Local path; on Azure only until adopted by envelope encryption (see [Token-store key](#token-store-key-envelope-encryption-and-migration-from-token_store_key))',
  },
  {
    names: ['TOKEN_STORE_PREVIOUS_KEYS'],
    required: 'no',
    meaning: 'earlier token-store keys (base64, comma-separated; `none` = none), still accepted to read records sealed before a rotation',
  },
  {
    names: ['TOKEN_STORE_KEY_VAULT_KEY_URL'],
    required: 'no (provisioning sets it on Azure)',
    meaning: 'the Key Vault key (`https://<vault>.vault.azure.net/keys/token-store`, no version) that wraps the token-store data key; unwrapped at start by the managed identity `BOT_ID`',
  },
  { names: ['AWS_IDC_REGION'], required: 'no (= `AMAZON_Q_REGION`)', meaning: 'the Identity Center Region' },
  { names: ['SSO_RESOURCE_URI'], required: 'no (`api://botid-<BOT_ID>`)', meaning: 'Application ID URI named in the OAuthCard' },
  { names: ['AAD_APP_OAUTH_AUTHORITY_HOST'], required: 'no (`https://login.microsoftonline.com`)', meaning: 'where tokens and keys come from' },
  { names: ['BOT_ENDPOINT'], required: 'recommended with sign-in', meaning: "the bot's public https URL, for the fallback sign-in pages" },
  { names: ['DEV_LOCAL_SIGN_IN'], required: 'no', meaning: '`true` only against the local services (see [the playground](developing.md#the-playground))' },
  {
    names: ['DEV_LOCAL_SIGN_IN_USER'],
    required: 'no',
    meaning: 'with `DEV_LOCAL_SIGN_IN`: sign everyone in as this sample person (F5 in Teams against the local services)',
  },
]);

type Name = NamesOf<typeof SIGN_IN_SETTINGS>;

const IDC_APPLICATION_ARN = /^arn:aws:sso::\d{12}:application\/ssoins-[0-9a-z]+\/apl-[0-9a-z]+$/;

/** What sign-in takes from other features' settings. */
export interface SignInContext {
  qRegion: string;
  botId: string | undefined;
  awsEndpoints: AwsEndpointOverrides;
}

/** Absent: every Q call uses the bot's own AWS credentials (SDK default chain). */
export function readSignInSettings(read: SettingsReader<Name>, context: SignInContext): SsoConfig | undefined {
  const present = SSO_SWITCHES.filter((name) => read.text(name));
  if (present.length === 0) {
    if (read.text('DEV_LOCAL_SIGN_IN')) read.problem(`DEV_LOCAL_SIGN_IN needs SSO: set ${SSO_SWITCHES.join(', ')}.`);
    return undefined;
  }
  if (present.length < SSO_SWITCHES.length) {
    const missing = SSO_SWITCHES.filter((name) => !read.text(name));
    read.problem(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: per-user sign-in needs all of ${SSO_SWITCHES.join(', ')} (or none, to use the bot's own AWS identity). ${WHERE}`);
    return undefined;
  }
  const clientId = read.required('AAD_APP_CLIENT_ID', 'the client ID of the SSO Entra app', GUID);
  const tenantId = read.required('AAD_APP_TENANT_ID', 'the Entra tenant ID', GUID);
  const idcApplicationArn = read.required('IDC_APPLICATION_ARN', 'the ARN of the IAM Identity Center customer-managed application (arn:aws:sso::<account>:application/ssoins-…/apl-…)', IDC_APPLICATION_ARN);
  const qUserRoleArn = read.required('Q_USER_ROLE_ARN', "the IAM role the bot assumes with each user's Identity Center context (arn:aws:iam::<account>:role/…)", ROLE_ARN);
  const idcRegion = read.text('AWS_IDC_REGION') ?? context.qRegion;
  if (!REGION.test(idcRegion)) read.problem(`AWS_IDC_REGION has an unexpected value "${idcRegion}": the Region of IAM Identity Center.`);
  const authorityHost = read.url('AAD_APP_OAUTH_AUTHORITY_HOST', 'an https URL', 'https://login.microsoftonline.com') as string;
  const resourceUri = read.text('SSO_RESOURCE_URI') ?? (context.botId ? `api://botid-${context.botId}` : '');
  if (!resourceUri) read.problem(`SSO_RESOURCE_URI is not set: the Application ID URI of the SSO Entra app (defaults to api://botid-<BOT_ID> when BOT_ID is set). ${WHERE}`);
  const botEndpoint = read.url('BOT_ENDPOINT', "the bot's public https URL");
  const keys = readTokenStoreKeys(read, context.botId);
  const devLocalSignIn = readDevLocalSignIn(read, authorityHost, context.awsEndpoints);
  const devLocalSignInUser = read.text('DEV_LOCAL_SIGN_IN_USER');
  if (devLocalSignInUser && !devLocalSignIn) read.problem('DEV_LOCAL_SIGN_IN_USER only applies with DEV_LOCAL_SIGN_IN=true.');
  return {
    clientId,
    tenantId,
    authorityHost,
    idcApplicationArn,
    idcRegion,
    qUserRoleArn,
    resourceUri,
    ...keys,
    devLocalSignIn,
    ...(devLocalSignInUser ? { devLocalSignInUser } : {}),
    ...(botEndpoint ? { botEndpoint } : {}),
  };
}

type TokenStoreKeys = Pick<SsoConfig, 'tokenStoreKey' | 'tokenStorePreviousKeys' | 'tokenStoreKeyVaultKeyUrl' | 'tokenStoreKeyVaultClientId'>;

function readTokenStoreKeys(read: SettingsReader<Name>, botId: string | undefined): TokenStoreKeys {
  const keyText = read.text('TOKEN_STORE_KEY');
  const tokenStoreKey = keyText ? Buffer.from(keyText, 'base64') : Buffer.alloc(0);
  const tokenStorePreviousKeys = readPreviousTokenStoreKeys(read);
  const tokenStoreKeyVaultKeyUrl = read.text('TOKEN_STORE_KEY_VAULT_KEY_URL')?.replace(/\/+$/, '');
  if (tokenStoreKeyVaultKeyUrl && !/^https:\/\/[^/\s]+\/keys\/[\w-]+$/.test(tokenStoreKeyVaultKeyUrl)) {
    read.mustBe('TOKEN_STORE_KEY_VAULT_KEY_URL', 'a Key Vault key without a version (https://<vault>.vault.azure.net/keys/<name>)', tokenStoreKeyVaultKeyUrl);
  }
  if (keyText && isUnresolvedKeyVaultReference(keyText)) {
    read.problem(unresolvedKeyVaultReference('TOKEN_STORE_KEY'));
  } else if (keyText ? tokenStoreKey.length !== 32 : !tokenStoreKeyVaultKeyUrl) {
    read.problem(
      `TOKEN_STORE_KEY ${keyText ? 'must be 32 bytes, base64-encoded' : 'is not set: the key that encrypts stored sign-ins (on Azure set TOKEN_STORE_KEY_VAULT_KEY_URL instead: provisioning does)'}. Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))". ${WHERE}`,
    );
  }
  if (tokenStoreKeyVaultKeyUrl && !botId) read.problem('TOKEN_STORE_KEY_VAULT_KEY_URL needs BOT_ID: the managed identity that unwraps the token-store key.');
  return {
    tokenStoreKey,
    tokenStorePreviousKeys,
    ...(tokenStoreKeyVaultKeyUrl ? { tokenStoreKeyVaultKeyUrl, ...(botId ? { tokenStoreKeyVaultClientId: botId } : {}) } : {}),
  };
}

/**
 * TOKEN_STORE_PREVIOUS_KEYS: earlier token-store keys, base64, separated by commas; empty or
 * `none` (what provisioning puts in Key Vault before any rotation) means there are none.
 */
function readPreviousTokenStoreKeys(read: SettingsReader<Name>): Buffer[] {
  const text = read.text('TOKEN_STORE_PREVIOUS_KEYS') ?? '';
  if (isUnresolvedKeyVaultReference(text)) {
    read.problem(unresolvedKeyVaultReference('TOKEN_STORE_PREVIOUS_KEYS'));
    return [];
  }
  const entries = text.split(/[\s,]+/).filter((entry) => entry && entry !== 'none');
  const keys = entries.map((entry) => Buffer.from(entry, 'base64'));
  const malformed = keys.filter((key) => key.length !== 32).length;
  if (malformed > 0) read.problem(`TOKEN_STORE_PREVIOUS_KEYS must list earlier token-store keys (32 bytes, base64 each) separated by commas; ${malformed} of ${keys.length} entries are not such a key.`);
  return keys;
}

/** The development sign-in mints tokens itself: it must never face a real tenant or AWS. */
function readDevLocalSignIn(read: SettingsReader<Name>, authorityHost: string, aws: AwsEndpointOverrides): boolean {
  if (read.text('DEV_LOCAL_SIGN_IN') !== 'true') return false;
  const endpoints: Array<[string, string | undefined]> = [
    ['AAD_APP_OAUTH_AUTHORITY_HOST', authorityHost],
    ['AWS_ENDPOINT_URL_QBUSINESS', aws.qbusiness],
    ['AWS_ENDPOINT_URL_SSO_OIDC', aws.ssoOidc],
    ['AWS_ENDPOINT_URL_STS', aws.sts],
  ];
  for (const [name, value] of endpoints) {
    if (!value || !LOOPBACK.test(value)) read.problem(`DEV_LOCAL_SIGN_IN=true is only for the local services, but ${name} is ${value ? `"${value}"` : 'not set'}: point it at the local services (http://127.0.0.1:…) or remove DEV_LOCAL_SIGN_IN.`);
  }
  return true;
}

/** App Service leaves the reference text in place when it cannot read the secret. */
function isUnresolvedKeyVaultReference(value: string): boolean {
  return value.startsWith('@Microsoft.KeyVault(');
}

function unresolvedKeyVaultReference(name: string): string {
  return `${name} is a Key Vault reference App Service could not resolve: give the web app's keyVaultReferenceIdentity (the bot's managed identity) the Key Vault Secrets User role on the vault, check the secret exists (provision creates it), and see the reference status under the web app's Environment variables in the portal.`;
}
