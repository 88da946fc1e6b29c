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

export const RETRY_DELAYS_MS = [2000, 4000, 8000, 15000, 15000, 15000];

export class SetupContext {
  readonly plan: string[] = [];

  constructor(
    readonly settings: SetupSettings,
    readonly clients: SetupClients,
    private readonly write: (line: string) => void,
    /** Waits between retries; tests pass one that does not wait. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  log(line: string): void {
    this.write(line);
  }

  /**
   * A write. With `retryIf`, a failure it accepts is retried after 2, 4, 8, 15, 15 and 15 s
   * (about a minute in all, the time IAM takes to show a new role everywhere), then reported.
   */
  async change<T>(description: string, action: () => Promise<T>, retryIf?: (error: unknown) => boolean): Promise<T | undefined> {
    this.plan.push(description);
    this.write(description);
    return explain(description, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await action();
        } catch (error) {
          if (!retryIf?.(error) || attempt > RETRY_DELAYS_MS.length) throw error;
          const delay = RETRY_DELAYS_MS[attempt - 1] as number;
          this.write(`  not yet visible to AWS (${(error as Error).name}); retrying in ${delay / 1000} s (${attempt}/${RETRY_DELAYS_MS.length})`);
          await this.sleep(delay);
        }
      }
    });
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
