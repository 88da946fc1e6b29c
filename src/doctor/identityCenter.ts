/**
 * Check group: IAM Identity Center — the instance the Q application uses, the trusted token issuer
 * for this Entra tenant and its claim mapping (every other issuer of the instance named with what
 * is wrong with it), and the bot's customer-managed application (enabled, no assignment required,
 * its jwt-bearer and refresh grants, Q's access scopes, and who may exchange tokens at it).
 */
import {
  DescribeApplicationCommand,
  DescribeTrustedTokenIssuerCommand,
  GetApplicationAssignmentConfigurationCommand,
  GetApplicationAuthenticationMethodCommand,
  GetApplicationGrantCommand,
  paginateListApplicationAccessScopes,
  paginateListInstances,
  paginateListTrustedTokenIssuers,
  type InstanceMetadata,
} from '@aws-sdk/client-sso-admin';
import { accessFix, AwsReadFailure, awsRead, cliTarget } from './awsAccess';
import { envFileName, type DoctorContext } from './context';
import { allowedActions, principalsOf, statementsOf } from './policy';
import { failed, ok, skipped, type CheckLine } from './report';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const Q_SCOPES = ['qbusiness:conversations:access', 'qbusiness:messages:access'];
export const entraIssuerUrl = (tenantId: string): string => `https://login.microsoftonline.com/${tenantId}/v2.0`;

const T = {
  instance: ['idc.instance', 'Identity Center instance'],
  issuer: ['idc.trusted-token-issuer', 'Trusted token issuer for the Entra tenant'],
  mapping: ['idc.claim-mapping', 'Trusted token issuer claim mapping'],
  application: ['idc.application', 'Identity Center application of the bot'],
  status: ['idc.application-status', 'Identity Center application is enabled'],
  assignment: ['idc.assignment-required', 'Identity Center application needs no assignment'],
  jwtIssuer: ['idc.jwt-bearer-issuer', 'jwt-bearer grant names the trusted token issuer'],
  jwtAudience: ['idc.jwt-bearer-audience', 'jwt-bearer grant audience is the SSO app'],
  refresh: ['idc.refresh-grant', 'refresh_token grant'],
  scopes: ['idc.access-scopes', 'Q Business access scopes'],
  actor: ['idc.actor-policy', 'Only the bot may exchange tokens (actor policy)'],
} as const;
type Key = keyof typeof T;
const okLine = (key: Key, detail: string): CheckLine => ok(T[key][0], T[key][1], detail);
const failLine = (key: Key, cause: string, fix: string): CheckLine => failed(T[key][0], T[key][1], cause, fix);
const skipLine = (key: Key, why: string): CheckLine => skipped(T[key][0], T[key][1], why);
const skipAll = (keys: Key[], why: string): CheckLine[] => keys.map((key) => skipLine(key, why));

const ISSUER_KEYS: Key[] = ['issuer', 'mapping'];
const APPLICATION_KEYS: Key[] = ['application', 'status', 'assignment', 'jwtIssuer', 'jwtAudience', 'refresh', 'scopes', 'actor'];

export async function checkIdentityCenter(ctx: DoctorContext): Promise<CheckLine[]> {
  if (ctx.findings.idcUnavailable) return skipAll(['instance', ...ISSUER_KEYS, ...APPLICATION_KEYS], ctx.findings.idcUnavailable);
  const lines: CheckLine[] = [];
  const instance = await findInstance(ctx, lines);
  if (!instance) return [...lines, ...skipAll([...ISSUER_KEYS, ...APPLICATION_KEYS], 'the Identity Center instance could not be read')];
  lines.push(...(await checkIssuer(ctx)));
  lines.push(...(await checkApplication(ctx)));
  return lines;
}

async function findInstance(ctx: DoctorContext, lines: CheckLine[]): Promise<InstanceMetadata | undefined> {
  const { idc, findings } = ctx;
  const wantedId = findings.qInstanceId ?? /application\/(ssoins-[0-9a-z]+)\//.exec(ctx.config.idcApplicationArn ?? '')?.[1];
  let instances: InstanceMetadata[];
  try {
    instances = await awsRead(idc, 'list Identity Center instances', 'sso:ListInstances', async () => {
      const all: InstanceMetadata[] = [];
      for await (const page of paginateListInstances({ client: idc.ssoAdmin }, {})) all.push(...(page.Instances ?? []));
      return all;
    });
  } catch (error) {
    lines.push(failLine('instance', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:ListInstances')));
    return undefined;
  }
  const instance = wantedId ? instances.find((candidate) => candidate.InstanceArn?.endsWith(`/${wantedId}`)) : instances[0];
  if (instance?.InstanceArn) {
    findings.instanceArn = instance.InstanceArn;
    if (instance.IdentityStoreId) findings.identityStoreId = instance.IdentityStoreId;
    lines.push(okLine('instance', `${instance.InstanceArn} (account ${instance.OwnerAccountId ?? findings.idcAccountId}, ${idc.region}, identity store ${instance.IdentityStoreId})`));
    return instance;
  }
  const seen = instances.length > 0 ? `it sees ${instances.map((candidate) => candidate.InstanceArn).join(', ')}` : 'it sees no instance there';
  const owner = findings.qInstanceAccountId;
  if (!wantedId) {
    lines.push(failLine('instance', `no Identity Center instance in ${idc.region} for ${idc.via} (account ${findings.idcAccountId}).`, `set AWS_IDC_REGION to the Region where IAM Identity Center is enabled (console: IAM Identity Center → Settings) in ${envFileName(ctx)}.`));
  } else if (owner && owner !== findings.idcAccountId) {
    lines.push(
      failLine(
        'instance',
        `the Q application uses instance ${wantedId} of account ${owner}, but ${idc.via} reads account ${findings.idcAccountId} (${seen}): Identity Center lives in another account.`,
        `set AWS_PROFILE_IDENTITY_CENTER in ${envFileName(ctx)} to a profile of account ${owner} (the organization's management account or the Identity Center delegated administrator), and AWS_IDC_REGION to the instance's Region.`,
      ),
    );
  } else {
    lines.push(
      failLine(
        'instance',
        `instance ${wantedId} is not in ${idc.region} for account ${findings.idcAccountId} (${seen}): Identity Center is enabled in another Region.`,
        `set AWS_IDC_REGION in ${envFileName(ctx)} to the Region of instance ${wantedId} (console: IAM Identity Center → Settings → Region), e.g. aws sso-admin list-instances --region <region>${idc.profile ? ` --profile ${idc.profile}` : ''}.`,
      ),
    );
  }
  return undefined;
}

async function checkIssuer(ctx: DoctorContext): Promise<CheckLine[]> {
  const { idc, config, findings } = ctx;
  const instanceArn = findings.instanceArn as string;
  if (!config.ssoTenantId) return [failLine('issuer', 'AAD_APP_TENANT_ID is not set, so the expected issuer is unknown.', `set AAD_APP_TENANT_ID in ${envFileName(ctx)} (the toolkit writes it when it creates the SSO app: run teamsapp provision).`), skipLine('mapping', 'no issuer to read')];
  const wanted = entraIssuerUrl(config.ssoTenantId);
  let issuers: Array<{ arn: string; name: string; url: string; claim: string; attribute: string }>;
  try {
    issuers = await awsRead(idc, 'read the trusted token issuers', 'sso:ListTrustedTokenIssuers / sso:DescribeTrustedTokenIssuer', async () => {
      const found = [];
      for await (const page of paginateListTrustedTokenIssuers({ client: idc.ssoAdmin }, { InstanceArn: instanceArn })) {
        for (const summary of page.TrustedTokenIssuers ?? []) {
          const described = await idc.ssoAdmin.send(new DescribeTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: summary.TrustedTokenIssuerArn }));
          const oidc = described.TrustedTokenIssuerConfiguration?.OidcJwtConfiguration;
          found.push({ arn: summary.TrustedTokenIssuerArn ?? '', name: described.Name ?? '', url: oidc?.IssuerUrl ?? '', claim: oidc?.ClaimAttributePath ?? '', attribute: oidc?.IdentityStoreAttributePath ?? '' });
        }
      }
      return found;
    });
  } catch (error) {
    return [failLine('issuer', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:ListTrustedTokenIssuers')), skipLine('mapping', 'no issuer could be read')];
  }
  const issuer = issuers.find((candidate) => candidate.url.replace(/\/+$/, '') === wanted);
  // Every other issuer is named with what is wrong with it, whatever else is found.
  const others = issuers.filter((candidate) => candidate !== issuer).map((candidate) => `${candidate.name} trusts ${candidate.url} (${issuerProblem(candidate.url, config.ssoTenantId as string)})`);
  if (!issuer) {
    const cause = `no trusted token issuer of instance ${instanceArn} trusts ${wanted}: ${others.length === 0 ? 'it has none' : others.join('; ')}.`;
    const fix = `aws sso-admin create-trusted-token-issuer --instance-arn ${instanceArn} --name EntraID-${config.ssoTenantId} --trusted-token-issuer-type OIDC_JWT --trusted-token-issuer-configuration 'OidcJwtConfiguration={IssuerUrl=${wanted},ClaimAttributePath=${config.claimAttribute},IdentityStoreAttributePath=${config.identityStoreAttribute},JwksRetrievalOption=OPEN_ID_DISCOVERY}'${cliTarget(idc)} (or re-run teamsapp provision, whose AWS setup creates it)`;
    return [failLine('issuer', cause, fix), skipLine('mapping', 'no issuer for this tenant')];
  }
  findings.issuerArn = issuer.arn;
  const lines = [okLine('issuer', `${issuer.name} trusts ${wanted}${others.length ? ` (unused beside it: ${others.join('; ')})` : ''}`)];
  if (issuer.claim !== config.claimAttribute || issuer.attribute !== config.identityStoreAttribute) {
    lines.push(
      failLine(
        'mapping',
        `the issuer maps ${issuer.claim || '(nothing)'} → ${issuer.attribute || '(nothing)'}, but people are matched by ${config.claimAttribute} → ${config.identityStoreAttribute}: Identity Center would find no user for a Teams token.`,
        `aws sso-admin update-trusted-token-issuer --trusted-token-issuer-arn ${issuer.arn} --trusted-token-issuer-configuration 'OidcJwtConfiguration={ClaimAttributePath=${config.claimAttribute},IdentityStoreAttributePath=${config.identityStoreAttribute}}'${cliTarget(idc)}`,
      ),
    );
  } else {
    lines.push(okLine('mapping', `${issuer.claim} → ${issuer.attribute}`));
  }
  return lines;
}

async function checkApplication(ctx: DoctorContext): Promise<CheckLine[]> {
  const { idc, config, findings } = ctx;
  const arn = config.idcApplicationArn;
  const rest: Key[] = ['status', 'assignment', 'jwtIssuer', 'jwtAudience', 'refresh', 'scopes', 'actor'];
  if (!arn) return [failLine('application', 'IDC_APPLICATION_ARN is not set.', `run the AWS setup (teamsapp provision --env ${ctx.envName ?? 'dev'}), which creates the application and writes RUNTIME_IDC_APPLICATION_ARN to ${envFileName(ctx)}.`), ...skipAll(rest, 'no application to read')];
  const read = <R>(what: string, action: string, call: () => Promise<R>): Promise<R> => awsRead(idc, what, action, call);
  let application;
  try {
    application = await read(`read the application ${arn}`, 'sso:DescribeApplication', () => idc.ssoAdmin.send(new DescribeApplicationCommand({ ApplicationArn: arn })));
  } catch (error) {
    const failure = error as AwsReadFailure;
    const line =
      failure.kind === 'notFound'
        ? failLine('application', `instance ${findings.instanceArn} has no application ${arn}.`, `re-run the AWS setup (teamsapp provision --env ${ctx.envName ?? 'dev'}) to create it, or correct RUNTIME_IDC_APPLICATION_ARN in ${envFileName(ctx)} (aws sso-admin list-applications --instance-arn ${findings.instanceArn}${cliTarget(idc)}).`)
        : failLine('application', failure.message, accessFix(failure, idc, 'sso:DescribeApplication'));
    return [line, ...skipAll(rest, 'the application could not be read')];
  }
  if (findings.instanceArn && application.InstanceArn && application.InstanceArn !== findings.instanceArn) {
    return [failLine('application', `${arn} belongs to instance ${application.InstanceArn}, not to ${findings.instanceArn}, the Q application's.`, `re-run the AWS setup so the application is created in the Q application's instance, and update RUNTIME_IDC_APPLICATION_ARN in ${envFileName(ctx)}.`), ...skipAll(rest, 'the application is in another instance')];
  }
  const lines = [okLine('application', application.Name ?? arn)];
  // A disabled application refuses every CreateTokenWithIAM: no one gets an answer.
  if (application.Status === 'ENABLED') lines.push(okLine('status', 'ENABLED'));
  else lines.push(failLine('status', `${application.Name ?? arn} is ${application.Status ?? 'in an unknown state'}: Identity Center refuses every token exchange at a disabled application, so no one gets an answer.`, `aws sso-admin update-application --application-arn ${arn} --status ENABLED${cliTarget(idc)}`));
  try {
    const assignment = await read('read the application assignment configuration', 'sso:GetApplicationAssignmentConfiguration', () => idc.ssoAdmin.send(new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: arn })));
    if (assignment.AssignmentRequired === false) lines.push(okLine('assignment', 'everyone of the instance may use it (Q subscriptions decide who chats)'));
    else
      lines.push(
        failLine(
          'assignment',
          'the application requires assignments (the API\'s default), and the setup assigns no one: the token exchange is refused for every person.',
          `aws sso-admin put-application-assignment-configuration --application-arn ${arn} --no-assignment-required${cliTarget(idc)}`,
        ),
      );
  } catch (error) {
    lines.push(failLine('assignment', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:GetApplicationAssignmentConfiguration')));
  }
  const grantFix = (audience: string): string =>
    `aws sso-admin put-application-grant --application-arn ${arn} --grant-type ${JWT_BEARER} --grant '{"JwtBearer":{"AuthorizedTokenIssuers":[{"TrustedTokenIssuerArn":"${findings.issuerArn ?? '<trusted token issuer ARN>'}","AuthorizedAudiences":["${audience}"]}]}}'${cliTarget(idc)}`;

  try {
    const grant = await read('read the jwt-bearer grant', 'sso:GetApplicationGrant', () => idc.ssoAdmin.send(new GetApplicationGrantCommand({ ApplicationArn: arn, GrantType: JWT_BEARER }))).catch((error: AwsReadFailure) => {
      if (error.kind === 'notFound') return undefined;
      throw error;
    });
    const authorized = grant?.Grant?.JwtBearer?.AuthorizedTokenIssuers ?? [];
    const audience = config.ssoClientId ?? '<AAD_APP_CLIENT_ID>';
    const entry = authorized.find((candidate) => candidate.TrustedTokenIssuerArn === findings.issuerArn);
    if (!findings.issuerArn) lines.push(skipLine('jwtIssuer', 'no trusted token issuer for this tenant (see above)'));
    else if (!entry) lines.push(failLine('jwtIssuer', authorized.length === 0 ? 'the application has no jwt-bearer grant: Teams tokens cannot be exchanged (InvalidGrantException).' : `the jwt-bearer grant authorizes ${authorized.map((candidate) => candidate.TrustedTokenIssuerArn).join(', ')}, not ${findings.issuerArn} (InvalidGrantException).`, grantFix(audience)));
    else lines.push(okLine('jwtIssuer', findings.issuerArn));
    if (!entry) lines.push(skipLine('jwtAudience', 'no grant entry for the issuer'));
    else if (!config.ssoClientId) lines.push(failLine('jwtAudience', 'AAD_APP_CLIENT_ID is not set, so the expected audience is unknown.', `set AAD_APP_CLIENT_ID in ${envFileName(ctx)}.`));
    else if (!entry.AuthorizedAudiences?.includes(config.ssoClientId)) lines.push(failLine('jwtAudience', `the grant accepts audiences ${JSON.stringify(entry.AuthorizedAudiences ?? [])}, not the SSO app's client id ${config.ssoClientId} (InvalidGrantException).`, grantFix(config.ssoClientId)));
    else lines.push(okLine('jwtAudience', config.ssoClientId));
  } catch (error) {
    lines.push(failLine('jwtIssuer', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:GetApplicationGrant')), skipLine('jwtAudience', 'the grant could not be read'));
  }

  try {
    const refresh = await read('read the refresh_token grant', 'sso:GetApplicationGrant', () => idc.ssoAdmin.send(new GetApplicationGrantCommand({ ApplicationArn: arn, GrantType: 'refresh_token' }))).catch((error: AwsReadFailure) => {
      if (error.kind === 'notFound') return undefined;
      throw error;
    });
    if (refresh?.Grant) lines.push(okLine('refresh', 'present: sessions renew without a new sign-in'));
    else lines.push(failLine('refresh', 'the application has no refresh_token grant: every hour each person must sign in again.', `aws sso-admin put-application-grant --application-arn ${arn} --grant-type refresh_token --grant '{"RefreshToken":{}}'${cliTarget(idc)}`));
  } catch (error) {
    lines.push(failLine('refresh', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:GetApplicationGrant')));
  }

  try {
    const scopes = await read('list the application access scopes', 'sso:ListApplicationAccessScopes', async () => {
      const all: string[] = [];
      for await (const page of paginateListApplicationAccessScopes({ client: idc.ssoAdmin }, { ApplicationArn: arn })) all.push(...(page.Scopes ?? []).map((scope) => scope.Scope ?? ''));
      return all;
    });
    const missing = Q_SCOPES.filter((scope) => !scopes.includes(scope));
    if (missing.length === 0) lines.push(okLine('scopes', Q_SCOPES.join(', ')));
    else lines.push(failLine('scopes', `missing ${missing.join(', ')}: Q Business refuses the exchanged sessions (AccessDeniedException).`, missing.map((scope) => `aws sso-admin put-application-access-scope --application-arn ${arn} --scope ${scope}${cliTarget(idc)}`).join(' && ')));
  } catch (error) {
    lines.push(failLine('scopes', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:ListApplicationAccessScopes')));
  }

  lines.push(await checkActorPolicy(ctx, arn));
  return lines;
}

async function checkActorPolicy(ctx: DoctorContext, arn: string): Promise<CheckLine> {
  const { idc, config } = ctx;
  let policy: unknown;
  try {
    const method = await awsRead(idc, 'read the IAM authentication method', 'sso:GetApplicationAuthenticationMethod', () =>
      idc.ssoAdmin.send(new GetApplicationAuthenticationMethodCommand({ ApplicationArn: arn, AuthenticationMethodType: 'IAM' })),
    ).catch((error: AwsReadFailure) => {
      if (error.kind === 'notFound') return undefined;
      throw error;
    });
    policy = method?.AuthenticationMethod?.Iam?.ActorPolicy;
  } catch (error) {
    return failLine('actor', (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'sso:GetApplicationAuthenticationMethod'));
  }
  const named = statementsOf(policy).flatMap((statement) => principalsOf(statement, 'AWS'));
  const bot = config.botPrincipalArn;
  const fixFor = (principal: string): string =>
    `aws sso-admin put-application-authentication-method --application-arn ${arn} --authentication-method-type IAM --authentication-method '${JSON.stringify({ Iam: { ActorPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }] } } })}'${cliTarget(idc)}`;
  if (!bot) return skipLine('actor', `the policy names ${named.join(', ') || 'no one'}; set BOT_AWS_ROLE_ARN (Azure) or BOT_AWS_PRINCIPAL_ARN to check it is the bot`);
  const actions = allowedActions(policy, bot);
  if (actions.has('sso-oauth:createtokenwithiam') || actions.has('sso-oauth:*') || actions.has('*')) return okLine('actor', `${bot} may call CreateTokenWithIAM`);
  return failLine('actor', `the actor policy ${policy ? `names ${named.join(', ') || 'no principal'}` : 'is missing'}, not ${bot}: the bot's token exchange is refused (AccessDeniedException).`, fixFor(bot));
}

/** Why an issuer URL is not the tenant-id v2 issuer that Teams SSO tokens carry. */
function issuerProblem(url: string, tenantId: string): string {
  if (/^https:\/\/sts\.windows\.net\//.test(url)) return 'the v1 issuer; Teams SSO tokens of an app with v2 access tokens do not come from it';
  const v2 = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0\/?$/.exec(url);
  if (v2 && v2[1] !== tenantId) return `names ${v2[1]} instead of the tenant id ${tenantId}: the tokens' iss always carries the tenant id, so it never matches`;
  return 'not an issuer of this Entra tenant';
}
