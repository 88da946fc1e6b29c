/**
 * Shared by every step of the setup: the clients (one per account), and `change()`, the only way
 * a step writes — it logs what it does, and in --dry-run only records the plan.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { QBusinessClient } from '@aws-sdk/client-qbusiness';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { STSClient } from '@aws-sdk/client-sts';
import { SetupError, type SetupSettings } from './settings';

export interface SetupClients {
  /** Identity Center account (management or delegated administrator), Identity Center Region. */
  ssoAdmin: SSOAdminClient;
  /** Q Business account. */
  iam: IAMClient;
  qSts: STSClient;
  qbusiness: QBusinessClient;
}

export const MANAGED_TAG = { Key: 'managed-by', Value: 'amazon-q-business-teams' };

export class SetupContext {
  readonly plan: string[] = [];

  constructor(
    readonly settings: SetupSettings,
    readonly clients: SetupClients,
    private readonly write: (line: string) => void,
  ) {}

  log(line: string): void {
    this.write(line);
  }

  async change<T>(description: string, action: () => Promise<T>): Promise<T | undefined> {
    this.plan.push(description);
    this.write(`${this.settings.dryRun ? 'would ' : ''}${description}`);
    if (this.settings.dryRun) return undefined;
    return explain(description, action);
  }

  /** Reads go through here too, so a missing permission is explained the same way. */
  read<T>(description: string, action: () => Promise<T>): Promise<T> {
    return explain(description, action);
  }
}

/** One sentence for the failures operators meet; the AWS message stays attached. */
async function explain<T>(description: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof SetupError) throw error;
    const name = (error as Error).name;
    const message = (error as Error).message;
    if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name)) {
      throw new SetupError(`Missing permission to ${description}: ${message}`);
    }
    if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'ExpiredTokenException' || name === 'CredentialsProviderError') {
      throw new SetupError(`No valid AWS credentials to ${description} (check AWS_PROFILE_IDENTITY_CENTER / AWS_PROFILE_QBUSINESS or your AWS sign-in): ${message}`);
    }
    throw new SetupError(`Could not ${description}: ${name}: ${message}`);
  }
}
