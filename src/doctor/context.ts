/** What every check group gets: the settings, the readers, and what earlier groups found out. */
import type { DoctorConfig } from './settings';
import type { IdcAccount, QAccount } from './awsAccess';
import type { AzureReader } from './azureAccess';

export interface Findings {
  qAccountId?: string;
  idcAccountId?: string;
  /** The instance the Q application is connected to, from its identityCenterApplicationArn. */
  qInstanceId?: string;
  qInstanceAccountId?: string;
  instanceArn?: string;
  identityStoreId?: string;
  issuerArn?: string;
  /** The Q application subscribes people at their first use. */
  qAutoSubscribe?: boolean;
  /** Why AWS checks of an account cannot run; they are then skipped with this reason. */
  qUnavailable?: string;
  idcUnavailable?: string;
}

export interface DoctorContext {
  config: DoctorConfig;
  q: QAccount;
  idc: IdcAccount;
  azure: AzureReader;
  /** The project folder, for aad.manifest.json when Graph cannot be read. */
  projectRoot: string;
  envName?: string;
  envFile?: string;
  findings: Findings;
}

/** The env file an operator edits for this run, in fixes. */
export function envFileName(ctx: DoctorContext): string {
  if (ctx.envFile) return ctx.envFile;
  return ctx.envName ? `env/.env.${ctx.envName}` : 'the web app settings';
}
