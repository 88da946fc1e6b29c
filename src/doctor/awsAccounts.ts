/** Check group: can the doctor read each AWS account (the Q Business one and the Identity Center one)? */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { accessFix, AwsReadFailure, awsRead, type AwsAccount } from './awsAccess';
import type { DoctorContext } from './context';
import { failed, ok, type CheckLine } from './report';

export async function checkAwsAccounts(ctx: DoctorContext): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const who = async (account: AwsAccount, id: string, title: string): Promise<string | undefined> => {
    try {
      const caller = await awsRead(account, 'identify the caller', 'sts:GetCallerIdentity', () => account.sts.send(new GetCallerIdentityCommand({})));
      lines.push(ok(id, title, `account ${caller.Account} as ${caller.Arn} (${account.via}, ${account.region})`));
      return caller.Account;
    } catch (error) {
      const failure = error as AwsReadFailure;
      lines.push(failed(id, title, failure.message, accessFix(failure, account, 'sts:GetCallerIdentity')));
      return undefined;
    }
  };
  const qAccountId = await who(ctx.q, 'aws.q-account', 'AWS access, Q Business account');
  if (qAccountId) ctx.findings.qAccountId = qAccountId;
  else ctx.findings.qUnavailable = 'no AWS access to the Q Business account (see above)';
  const idcAccountId = await who(ctx.idc, 'aws.idc-account', 'AWS access, Identity Center account');
  if (idcAccountId) ctx.findings.idcAccountId = idcAccountId;
  else ctx.findings.idcUnavailable = 'no AWS access to the Identity Center account (see above)';
  return lines;
}
