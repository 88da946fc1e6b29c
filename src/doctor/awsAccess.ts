/**
 * The AWS clients the doctor reads with — one set for the Q Business account, one for the Identity
 * Center account (they may be different accounts and Regions, each with its own profile) — and
 * the one-sentence explanation of a failed read. Only read operations are ever sent.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { QBusinessClient } from '@aws-sdk/client-qbusiness';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import type { DoctorConfig } from './settings';
import { awsCredentialsFromAzureManagedIdentity, TOKEN_EXCHANGE_RESOURCE } from '../identity/azureWebIdentity';

export interface AwsAccount {
  /** How this account is reached, for messages: `profile qadmin` or `the default credentials`. */
  via: string;
  profile?: string;
  region: string;
  sts: STSClient;
}

export interface QAccount extends AwsAccount {
  qbusiness: QBusinessClient;
  iam: IAMClient;
}

export interface IdcAccount extends AwsAccount {
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
}

// A doctor run should answer in seconds, also when an endpoint is down.
const CLIENT_OPTIONS = { maxAttempts: 2 };

function base(config: DoctorConfig, region: string, profile: string | undefined): { options: Record<string, unknown>; via: string } {
  const options: Record<string, unknown> = { region, ...CLIENT_OPTIONS };
  if (profile) {
    options.profile = profile;
    return { options, via: `profile ${profile}` };
  }
  // In the App Service console the only AWS identity is the bot's own role, through its managed identity.
  if (config.onAzure && config.botRoleArn && config.botId) {
    options.credentials = awsCredentialsFromAzureManagedIdentity({ roleArn: config.botRoleArn, audience: TOKEN_EXCHANGE_RESOURCE, managedIdentityClientId: config.botId, region: config.qRegion });
    return { options, via: `the bot role ${config.botRoleArn} (managed identity)` };
  }
  return { options, via: 'the default AWS credentials' };
}

export function qAccount(config: DoctorConfig): QAccount {
  const { options, via } = base(config, config.qRegion, config.qProfile);
  return { via, ...(config.qProfile ? { profile: config.qProfile } : {}), region: config.qRegion, sts: new STSClient(options), qbusiness: new QBusinessClient(options), iam: new IAMClient(options) };
}

export function idcAccount(config: DoctorConfig): IdcAccount {
  const { options, via } = base(config, config.idcRegion, config.idcProfile);
  return { via, ...(config.idcProfile ? { profile: config.idcProfile } : {}), region: config.idcRegion, sts: new STSClient(options), ssoAdmin: new SSOAdminClient(options), identityStore: new IdentitystoreClient(options) };
}

/** ` --region R --profile P`, for the CLI commands in fixes. */
export function cliTarget(account: AwsAccount, global = false): string {
  return `${global ? '' : ` --region ${account.region}`}${account.profile ? ` --profile ${account.profile}` : ''}`;
}

export type AwsFailureKind = 'unreachable' | 'credentials' | 'permission' | 'notFound' | 'other';

export class AwsReadFailure extends Error {
  constructor(
    readonly kind: AwsFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'AwsReadFailure';
  }
}

const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|socket hang up|TimeoutError|NGHTTP2|getaddrinfo/i;
const CREDENTIALS = /CredentialsProviderError|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|TokenRefreshRequired|could not load credentials/i;

export function classify(error: unknown): AwsFailureKind {
  const name = (error as Error)?.name ?? '';
  const text = `${name} ${(error as Error)?.message ?? ''} ${(error as { code?: string })?.code ?? ''}`;
  if (/NotFound|NoSuchEntity/.test(name)) return 'notFound';
  if (/AccessDenied|NotAuthorized|UnauthorizedOperation/.test(name)) return 'permission';
  if (CREDENTIALS.test(text)) return 'credentials';
  if (NETWORK.test(text)) return 'unreachable';
  return 'other';
}

/** A read, with failures reduced to a kind and one sentence (no stack, never a credential). */
export async function awsRead<T>(account: AwsAccount, what: string, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const kind = classify(error);
    const message = oneLine((error as Error)?.message ?? String(error));
    const sentence: Record<AwsFailureKind, string> = {
      unreachable: `AWS could not be reached to ${what} (${message})`,
      credentials: `no valid AWS credentials (${account.via}) to ${what}: ${message}`,
      permission: `${account.via} may not ${what} (${action}): ${message}`,
      notFound: `${message}`,
      other: `could not ${what}: ${(error as Error)?.name ?? 'Error'}: ${message}`,
    };
    throw new AwsReadFailure(kind, sentence[kind]);
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The fix for a read that failed for access reasons (not for what it found). */
export function accessFix(failure: AwsReadFailure, account: AwsAccount, action: string): string {
  if (failure.kind === 'unreachable') return 'check the network path to AWS (proxy, firewall, AWS_ENDPOINT_URL) and run the doctor again.';
  if (failure.kind === 'credentials') return account.profile ? `sign in again: aws sso login --profile ${account.profile} (or fix the profile in ~/.aws/config).` : 'sign in to AWS (aws sso login / aws configure), or set AWS_PROFILE_QBUSINESS / AWS_PROFILE_IDENTITY_CENTER in the env file.';
  if (failure.kind === 'permission') return `allow ${action} for ${account.via} (a read-only policy such as AWSSSOReadOnly / IAMReadOnlyAccess / AmazonQFullAccess read actions).`;
  return 'see the message above; run the doctor again once it is resolved.';
}
