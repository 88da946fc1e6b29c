/** Check group: the Amazon Q Business application exists in its Region and is connected to IAM Identity Center. */
import { GetApplicationCommand } from '@aws-sdk/client-qbusiness';
import { accessFix, AwsReadFailure, awsRead, cliTarget } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

const APP = 'q.application';
const APP_TITLE = 'Amazon Q Business application';
const IDC = 'q.identity-center';
const IDC_TITLE = 'Q application uses IAM Identity Center';

export async function checkQApplication(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config, q } = ctx;
  if (ctx.findings.qUnavailable) return [skipped(APP, APP_TITLE, ctx.findings.qUnavailable), skipped(IDC, IDC_TITLE, ctx.findings.qUnavailable)];
  if (!config.qApplicationId) {
    return [
      failed(APP, APP_TITLE, 'AMAZON_Q_APP_ID is not set.', `set AMAZON_Q_APP_ID in ${envFileName(ctx)} to the application's ID (aws qbusiness list-applications${cliTarget(q)}).`),
      skipped(IDC, IDC_TITLE, 'no application to read'),
    ];
  }
  let application;
  try {
    application = await awsRead(q, `read the Q Business application ${config.qApplicationId}`, 'qbusiness:GetApplication', () => q.qbusiness.send(new GetApplicationCommand({ applicationId: config.qApplicationId })));
  } catch (error) {
    const failure = error as AwsReadFailure;
    const line =
      failure.kind === 'notFound'
        ? failed(APP, APP_TITLE, `no application ${config.qApplicationId} in ${config.qRegion} of account ${ctx.findings.qAccountId}.`, `list the applications with aws qbusiness list-applications${cliTarget(q)}, then set AMAZON_Q_APP_ID, AMAZON_Q_REGION and AWS_PROFILE_QBUSINESS in ${envFileName(ctx)} to the right application, Region and account.`)
        : failed(APP, APP_TITLE, failure.message, accessFix(failure, q, 'qbusiness:GetApplication'));
    return [line, skipped(IDC, IDC_TITLE, 'the application could not be read')];
  }
  ctx.findings.qAutoSubscribe = application.autoSubscriptionConfiguration?.autoSubscribe === 'ENABLED';
  const lines = [ok(APP, APP_TITLE, `${application.displayName ?? '(no name)'} (${config.qApplicationId}) in ${config.qRegion}, status ${application.status ?? 'unknown'}`)];
  if (application.identityType !== 'AWS_IAM_IDC') {
    lines.push(
      failed(IDC, IDC_TITLE, `the application's identity type is ${application.identityType ?? 'unknown'}, not AWS_IAM_IDC, so Identity Center identities cannot reach it.`, `an application's identity type cannot change: create a Q Business application with IAM Identity Center (console: Amazon Q Business → Applications → Create application → Access management method: AWS IAM Identity Center) and set AMAZON_Q_APP_ID in ${envFileName(ctx)}.`),
    );
    return lines;
  }
  const match = /^arn:aws:sso::(\d{12}):application\/(ssoins-[0-9a-z]+)\//.exec(application.identityCenterApplicationArn ?? '');
  if (!match) {
    lines.push(failed(IDC, IDC_TITLE, `the application names no Identity Center application (identityCenterApplicationArn is "${application.identityCenterApplicationArn ?? ''}").`, 'open the application in the Amazon Q Business console → User access, and connect it to your IAM Identity Center instance.'));
    return lines;
  }
  ctx.findings.qInstanceAccountId = match[1];
  ctx.findings.qInstanceId = match[2];
  lines.push(ok(IDC, IDC_TITLE, `identity type AWS_IAM_IDC, instance ${match[2]} of account ${match[1]}`));
  return lines;
}
