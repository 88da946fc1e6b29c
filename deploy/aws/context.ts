/**
 * Shared by every step of the setup: the clients (one per account), and `change()`, the only way
 * a step writes — it logs and records what it does. (--dry-run never gets here: see plan.ts.)
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
    this.write(description);
    return explain(description, action);
  }

  /** Reads go through here too, so a missing permission is explained the same way. */
  read<T>(description: string, action: () => Promise<T>): Promise<T> {
    return explain(description, action);
  }

  /** Every item of a paginated list (the SDK's paginate* helpers), so nothing past page one is missed. */
  list<Page, Item>(description: string, pages: () => AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
    return explain(description, async () => {
      const all: Item[] = [];
      for await (const page of pages()) all.push(...(items(page) ?? []));
      return all;
    });
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
      throw new SetupError(`Missing permission to ${description}: ${message}`, { cause: error });
    }
    if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'ExpiredTokenException' || name === 'CredentialsProviderError') {
      throw new SetupError(`No valid AWS credentials to ${description} (check AWS_PROFILE_IDENTITY_CENTER / AWS_PROFILE_QBUSINESS or your AWS sign-in): ${message}`, { cause: error });
    }
    throw new SetupError(`Could not ${description}: ${name}: ${message}`, { cause: error });
  }
}
