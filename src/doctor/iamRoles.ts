/**
 * Check group: IAM in the Q Business account — the Q user role trusts the bot for both
 * sts:AssumeRole and sts:SetContext, and on Azure the bot role's web-identity trust matches the
 * managed identity's token (IAM OIDC provider for the v2 issuer, its client ids, `sub` pinned).
 */
import { GetOpenIDConnectProviderCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { accessFix, AwsReadFailure, awsRead, cliTarget } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { actionsOf, allowedActions, conditionValues, principalsOf, statementsOf } from './policy';
import { failed, ok, skipped, type CheckLine } from './report';

/** The audience Entra puts in managed identity tokens for api://AzureADTokenExchange. */
export const TOKEN_EXCHANGE_AUDIENCE = 'fb60f99c-7a34-4190-8149-302f77469936';

const USER_ROLE = ['iam.q-user-role', 'Q user role trusts the bot (sts:AssumeRole and sts:SetContext)'] as const;
const PROVIDER = ['iam.oidc-provider', 'IAM OIDC provider for the managed identity'] as const;
const BOT_TRUST = ['iam.bot-role-trust', 'Bot role web-identity trust'] as const;

const roleName = (arn: string): string => arn.slice(arn.indexOf(':role/') + ':role/'.length).split('/').pop() ?? arn;

async function readTrust(ctx: DoctorContext, arn: string): Promise<string | undefined> {
  const result = await awsRead(ctx.q, `read the IAM role ${roleName(arn)}`, 'iam:GetRole', () => ctx.q.iam.send(new GetRoleCommand({ RoleName: roleName(arn) })));
  return result.Role?.AssumeRolePolicyDocument;
}

export async function checkIamRoles(ctx: DoctorContext): Promise<CheckLine[]> {
  const unavailable = ctx.findings.qUnavailable;
  const azure = Boolean(ctx.config.botRoleArn);
  if (unavailable) return [skipped(...USER_ROLE, unavailable), ...(azure ? [skipped(...PROVIDER, unavailable), skipped(...BOT_TRUST, unavailable)] : [])];
  const lines = [await checkUserRole(ctx)];
  if (azure) lines.push(...(await checkBotRole(ctx)));
  return lines;
}

async function checkUserRole(ctx: DoctorContext): Promise<CheckLine> {
  const { config, q } = ctx;
  const arn = config.qUserRoleArn;
  if (!arn) return failed(...USER_ROLE, 'Q_USER_ROLE_ARN is not set.', `run the AWS setup (teamsapp provision --env ${ctx.envName ?? 'dev'}), which creates the role and writes RUNTIME_Q_USER_ROLE_ARN to ${envFileName(ctx)}.`);
  let trust: string | undefined;
  try {
    trust = await readTrust(ctx, arn);
  } catch (error) {
    const failure = error as AwsReadFailure;
    if (failure.kind === 'notFound') return failed(...USER_ROLE, `account ${ctx.findings.qAccountId} has no role ${roleName(arn)}.`, `re-run the AWS setup (teamsapp provision --env ${ctx.envName ?? 'dev'}), or correct RUNTIME_Q_USER_ROLE_ARN in ${envFileName(ctx)}.`);
    return failed(...USER_ROLE, failure.message, accessFix(failure, q, 'iam:GetRole'));
  }
  const bot = config.botPrincipalArn;
  if (!bot) {
    const trusted = statementsOf(trust).flatMap((statement) => principalsOf(statement, 'AWS'));
    return skipped(...USER_ROLE, `the role trusts ${trusted.join(', ') || 'no AWS principal'}; set BOT_AWS_ROLE_ARN (Azure) or BOT_AWS_PRINCIPAL_ARN to check it is the bot`);
  }
  const actions = allowedActions(trust, bot);
  const missing = ['sts:AssumeRole', 'sts:SetContext'].filter((action) => !actions.has(action.toLowerCase()) && !actions.has('sts:*'));
  if (missing.length === 0) return ok(...USER_ROLE, `${roleName(arn)} trusts ${bot} for sts:AssumeRole and sts:SetContext`);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: bot }, Action: ['sts:AssumeRole', 'sts:SetContext'] }] });
  const cause = missing.includes('sts:SetContext') && missing.length === 1
    ? `${roleName(arn)} trusts ${bot} for sts:AssumeRole but not sts:SetContext: AssumeRole with an identity context is refused (AccessDenied).`
    : `${roleName(arn)} does not let ${bot} ${missing.join(' and ')}: the bot cannot act as the signed-in person (AccessDenied).`;
  return failed(...USER_ROLE, cause, `aws iam update-assume-role-policy --role-name ${roleName(arn)} --policy-document '${policy}'${cliTarget(q, true)}`);
}

async function checkBotRole(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config, q, findings } = ctx;
  const botRoleArn = config.botRoleArn as string;
  const tenant = config.botTenantId;
  if (!tenant || !config.botId || !config.managedIdentityPrincipalId) {
    const missing = [!tenant && 'BOT_TENANT_ID', !config.botId && 'BOT_ID', !config.managedIdentityPrincipalId && 'BOT_MANAGED_IDENTITY_PRINCIPAL_ID'].filter(Boolean).join(', ');
    const line = failed(...PROVIDER, `${missing} not set, so the managed identity's token is unknown.`, `run teamsapp provision --env ${ctx.envName ?? 'dev'} (infra/azure.bicep writes them to ${envFileName(ctx)}).`);
    return [line, skipped(...BOT_TRUST, 'the managed identity is unknown')];
  }
  const issuerPath = `login.microsoftonline.com/${tenant}/v2.0`;
  const account = /^arn:aws:iam::(\d{12}):/.exec(botRoleArn)?.[1] ?? findings.qAccountId;
  const providerArn = `arn:aws:iam::${account}:oidc-provider/${issuerPath}`;
  const clientIds = [config.botId, TOKEN_EXCHANGE_AUDIENCE];
  const lines: CheckLine[] = [];

  try {
    const provider = await awsRead(q, 'read the IAM OIDC provider', 'iam:GetOpenIDConnectProvider', () => q.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn })));
    const missing = clientIds.filter((id) => !provider.ClientIDList?.includes(id));
    if (missing.length === 0) lines.push(ok(...PROVIDER, `https://${issuerPath}, client ids ${clientIds.join(', ')}`));
    else
      lines.push(
        failed(
          ...PROVIDER,
          `https://${issuerPath} lists client ids ${JSON.stringify(provider.ClientIDList ?? [])}, missing ${missing.join(', ')}: AssumeRoleWithWebIdentity is refused (Incorrect token audience).`,
          missing.map((id) => `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${providerArn} --client-id ${id}${cliTarget(q, true)}`).join(' && '),
        ),
      );
  } catch (error) {
    const failure = error as AwsReadFailure;
    lines.push(
      failure.kind === 'notFound'
        ? failed(...PROVIDER, `account ${account} has no IAM OIDC provider for https://${issuerPath}, the issuer of the managed identity's token (a provider for https://sts.windows.net/${tenant}/ does not match v2 tokens).`, `aws iam create-open-id-connect-provider --url https://${issuerPath} --client-id-list ${clientIds.join(' ')}${cliTarget(q, true)} (or re-run teamsapp provision)`)
        : failed(...PROVIDER, failure.message, accessFix(failure, q, 'iam:GetOpenIDConnectProvider')),
    );
  }

  let trust: string | undefined;
  try {
    trust = await readTrust(ctx, botRoleArn);
  } catch (error) {
    const failure = error as AwsReadFailure;
    lines.push(failure.kind === 'notFound' ? failed(...BOT_TRUST, `account ${account} has no role ${roleName(botRoleArn)}.`, `re-run teamsapp provision --env ${ctx.envName ?? 'dev'} (its AWS setup creates the bot role), or correct BOT_AWS_ROLE_ARN in ${envFileName(ctx)}.`) : failed(...BOT_TRUST, failure.message, accessFix(failure, q, 'iam:GetRole')));
    return lines;
  }
  const wantedPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${issuerPath}:sub`]: config.managedIdentityPrincipalId } } }],
  });
  const fix = `aws iam update-assume-role-policy --role-name ${roleName(botRoleArn)} --policy-document '${wantedPolicy}'${cliTarget(q, true)}`;
  const statements = statementsOf(trust).filter((statement) => actionsOf(statement).includes('sts:assumerolewithwebidentity'));
  const forProvider = statements.filter((statement) => principalsOf(statement, 'Federated').includes(providerArn));
  if (forProvider.length === 0) {
    const federated = statements.flatMap((statement) => principalsOf(statement, 'Federated'));
    lines.push(failed(...BOT_TRUST, `${roleName(botRoleArn)} trusts ${federated.join(', ') || 'no web identity'} for sts:AssumeRoleWithWebIdentity, not ${providerArn}.`, fix));
    return lines;
  }
  const subs = forProvider.flatMap((statement) => conditionValues(statement, `${issuerPath}:sub`));
  const auds = forProvider.flatMap((statement) => conditionValues(statement, `${issuerPath}:aud`));
  if (!subs.includes(config.managedIdentityPrincipalId)) {
    lines.push(failed(...BOT_TRUST, subs.length === 0 ? `the trust does not pin ${issuerPath}:sub, so any identity of the tenant could assume the bot role.` : `the trust pins ${issuerPath}:sub to ${subs.join(', ')}, not the managed identity's principal id ${config.managedIdentityPrincipalId}.`, fix));
  } else if (auds.length > 0 && !auds.some((aud) => clientIds.includes(aud))) {
    lines.push(failed(...BOT_TRUST, `the trust requires ${issuerPath}:aud ${auds.join(', ')}, which the managed identity's token never carries (aud ${TOKEN_EXCHANGE_AUDIENCE}).`, fix));
  } else {
    lines.push(ok(...BOT_TRUST, `${roleName(botRoleArn)} trusts ${providerArn} with sub ${config.managedIdentityPrincipalId}`));
  }
  return lines;
}
