/**
 * Check group: IAM permission policies, through IAM's read-only policy simulator
 * (SimulatePrincipalPolicy) — trust policies say who may assume a role, these say what the role
 * may then do. The bot role must exchange tokens at the bot's Identity Center application and act
 * as the Q user role (AssumeRole + SetContext); the Q user role must chat, list and rate on the
 * configured Q application. The simulator evaluates the roles' identity policies (and the
 * boundaries and SCPs IAM applies to it); it reads nothing else and changes nothing.
 */
import { SimulatePrincipalPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import { accessFix, AwsReadFailure, awsRead, cliTarget } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

/** What the bot calls with each person's session (src/amazonQ/…): every one of them on the one application. */
export const Q_USER_ACTIONS = ['qbusiness:ChatSync', 'qbusiness:Chat', 'qbusiness:PutFeedback', 'qbusiness:ListConversations', 'qbusiness:ListMessages', 'qbusiness:DeleteConversation'];

const BOT = ['iam.bot-role-permissions', 'Bot role may exchange tokens and act as the Q user role'] as const;
const USER = ['iam.q-user-role-permissions', 'Q user role may chat on the Q application'] as const;

const roleName = (arn: string): string => arn.split('/').pop() ?? arn;

interface Need {
  action: string;
  resource: string;
}

/** The needs the simulator does not allow, with its decision for each. */
async function denied(ctx: DoctorContext, principalArn: string, needs: Need[]): Promise<Array<Need & { decision: string }>> {
  const out: Array<Need & { decision: string }> = [];
  // One call per resource: each result then names the decision for that resource.
  for (const resource of [...new Set(needs.map((need) => need.resource))]) {
    const actions = needs.filter((need) => need.resource === resource).map((need) => need.action);
    const results: EvaluationResult[] = await awsRead(ctx.q, `simulate the permissions of ${roleName(principalArn)}`, 'iam:SimulatePrincipalPolicy', async () => {
      const response = await ctx.q.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: principalArn, ActionNames: actions, ResourceArns: [resource] }));
      return response.EvaluationResults ?? [];
    });
    for (const action of actions) {
      const decision = results.find((result) => result.EvalActionName?.toLowerCase() === action.toLowerCase())?.EvalDecision ?? 'implicitDeny';
      if (decision !== 'allowed') out.push({ action, resource, decision });
    }
  }
  return out;
}

const describe = (missing: Array<Need & { decision: string }>): string => missing.map((need) => `${need.action} on ${need.resource} (${need.decision === 'explicitDeny' ? 'explicitly denied' : 'not allowed'})`).join(', ');

function policyFix(ctx: DoctorContext, role: string, policyName: string, statements: Array<{ Sid: string; Action: string | string[]; Resource: string }>): string {
  const document = JSON.stringify({ Version: '2012-10-17', Statement: statements.map((statement) => ({ Sid: statement.Sid, Effect: 'Allow', Action: statement.Action, Resource: statement.Resource })) });
  return `aws iam put-role-policy --role-name ${roleName(role)} --policy-name ${policyName} --policy-document '${document}'${cliTarget(ctx.q, true)} (or re-run teamsapp provision --env ${ctx.envName ?? 'dev'}); remove any Deny that names these actions.`;
}

export async function checkPermissions(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config, findings } = ctx;
  const bot = config.botRoleArn ?? config.botPrincipalArn;
  if (findings.qUnavailable) return [...(bot ? [skipped(...BOT, findings.qUnavailable)] : []), skipped(...USER, findings.qUnavailable)];
  const lines: CheckLine[] = [];

  if (bot) {
    if (!config.idcApplicationArn || !config.qUserRoleArn) lines.push(skipped(...BOT, `IDC_APPLICATION_ARN and Q_USER_ROLE_ARN are needed to simulate (set them in ${envFileName(ctx)})`));
    else lines.push(await simulateLine(ctx, BOT, bot, [
      { action: 'sso-oauth:CreateTokenWithIAM', resource: config.idcApplicationArn },
      { action: 'sts:AssumeRole', resource: config.qUserRoleArn },
      { action: 'sts:SetContext', resource: config.qUserRoleArn },
    ], (missing) => `${roleName(bot)} lacks ${describe(missing)}: ${missing.some((need) => need.action.startsWith('sso-oauth')) ? 'Identity Center refuses the bot\'s token exchange' : 'the bot cannot act as the signed-in person'}, so no one gets an answer.`,
    () => policyFix(ctx, bot, 'bot-access', [
      { Sid: 'ExchangeTeamsTokens', Action: 'sso-oauth:CreateTokenWithIAM', Resource: config.idcApplicationArn as string },
      { Sid: 'ActAsTheSignedInPerson', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: config.qUserRoleArn as string },
    ]), `sso-oauth:CreateTokenWithIAM on ${config.idcApplicationArn}; sts:AssumeRole and sts:SetContext on ${config.qUserRoleArn}`));
  }

  const userRole = config.qUserRoleArn;
  if (!userRole || !config.qApplicationId || !findings.qAccountId) {
    lines.push(skipped(...USER, !userRole || !config.qApplicationId ? `Q_USER_ROLE_ARN and AMAZON_Q_APP_ID are needed to simulate (set them in ${envFileName(ctx)})` : 'the Q Business account could not be identified'));
    return lines;
  }
  const applicationArn = `arn:aws:qbusiness:${config.qRegion}:${findings.qAccountId}:application/${config.qApplicationId}`;
  lines.push(await simulateLine(ctx, USER, userRole, Q_USER_ACTIONS.map((action) => ({ action, resource: applicationArn })),
    (missing) => `${roleName(userRole)} lacks ${describe(missing)}: ${missing.some((need) => /:Chat(Sync)?$/.test(need.action)) ? 'every question is refused (AccessDeniedException)' : 'part of the bot fails for everyone (feedback, history or deletion)'}.`,
    () => policyFix(ctx, userRole, 'qbusiness-chat', [{ Sid: 'ChatAsTheSignedInPerson', Action: Q_USER_ACTIONS, Resource: applicationArn }]),
    `${Q_USER_ACTIONS.map((action) => action.split(':')[1]).join(', ')} on ${applicationArn}`));
  return lines;
}

async function simulateLine(ctx: DoctorContext, check: readonly [string, string], principal: string, needs: Need[], cause: (missing: Array<Need & { decision: string }>) => string, fix: () => string, allowed: string): Promise<CheckLine> {
  try {
    const missing = await denied(ctx, principal, needs);
    return missing.length === 0 ? ok(...check, allowed) : failed(...check, cause(missing), fix());
  } catch (error) {
    const failure = error as AwsReadFailure;
    if (failure.kind === 'notFound') return failed(...check, `account ${ctx.findings.qAccountId} has no role ${roleName(principal)} to simulate.`, `re-run teamsapp provision --env ${ctx.envName ?? 'dev'}, or correct the role ARN in ${envFileName(ctx)}.`);
    // In App Service the doctor has only the bot's own role, which by design may not simulate: not a fault.
    if (failure.kind === 'permission' && ctx.config.onAzure) {
      return skipped(...check, `not checked in App Service: the doctor runs there as the bot's role, which may not use IAM's policy simulator (least privilege). Run npm run doctor -- --env ${ctx.envName ?? 'dev'} from a machine with an administrator's AWS profile to check it.`);
    }
    if (failure.kind === 'permission') return failed(...check, `the policy simulator refused: ${failure.message} — the role's permissions could not be checked.`, accessFix(failure, ctx.q, 'iam:SimulatePrincipalPolicy'));
    return failed(...check, failure.message, accessFix(failure, ctx.q, 'iam:SimulatePrincipalPolicy'));
  }
}
