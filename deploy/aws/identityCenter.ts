/**
 * IAM Identity Center side: the instance, the trusted token issuer for the Entra tenant, and the
 * customer-managed application the bot exchanges tokens with. Each step finds what exists,
 * compares it with what should be, and changes only the difference.
 */
import {
  CreateApplicationCommand,
  CreateTrustedTokenIssuerCommand,
  DeleteApplicationCommand,
  DeleteTrustedTokenIssuerCommand,
  DescribeTrustedTokenIssuerCommand,
  GetApplicationAssignmentConfigurationCommand,
  GetApplicationAuthenticationMethodCommand,
  GetApplicationGrantCommand,
  paginateListApplicationAccessScopes,
  paginateListApplications,
  paginateListInstances,
  paginateListTrustedTokenIssuers,
  PutApplicationAccessScopeCommand,
  PutApplicationAssignmentConfigurationCommand,
  PutApplicationAuthenticationMethodCommand,
  PutApplicationGrantCommand,
  UpdateTrustedTokenIssuerCommand,
  type Application as ApplicationSummary,
  type Grant,
} from '@aws-sdk/client-sso-admin';
import { MANAGED_TAG, type SetupContext } from './context';
import { isNewPrincipalNotYetVisible } from './iam';
import { SetupError } from './settings';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CUSTOM_APPLICATION_PROVIDER = 'arn:aws:sso::aws:applicationProvider/custom';
export const Q_ACCESS_SCOPES = ['qbusiness:conversations:access', 'qbusiness:messages:access'];

/** Who may exchange Teams tokens at the application: the bot principal only. */
export function tokenExchangeActorPolicy(botPrincipalArn: string) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: botPrincipalArn }, Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' }] };
}

export function issuerUrl(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export function trustedTokenIssuerName(tenantId: string): string {
  return `EntraID-${tenantId}`;
}

export function applicationName(environment: string): string {
  return `AmazonQBusinessTeams-${environment}`;
}

/** `arn:aws:sso::<account>:application/ssoins-…/apl-…` → `arn:aws:sso:::instance/ssoins-…`. */
export function instanceArnOfApplication(identityCenterApplicationArn: string): string | undefined {
  const instance = /^arn:aws:sso::\d*:application\/(ssoins-[0-9a-z]+)\/apl-[0-9a-z]+$/.exec(identityCenterApplicationArn)?.[1];
  return instance ? `arn:aws:sso:::instance/${instance}` : undefined;
}

/**
 * The Identity Center instance the Q application is connected to (its identityCenterApplicationArn
 * names it), looked up with the Identity Center profile and Region, so a wrong profile or Region
 * is reported instead of silently using another instance. Without that ARN: the only active instance.
 */
export async function findInstance(ctx: SetupContext, qIdentityCenterApplicationArn?: string): Promise<string> {
  const client = ctx.clients.ssoAdmin;
  const Instances = await ctx.list('list IAM Identity Center instances (sso:ListInstances)', () => paginateListInstances({ client }, {}), (page) => page.Instances);
  const active = Instances.filter((candidate) => candidate.Status === undefined || candidate.Status === 'ACTIVE');
  const wanted = qIdentityCenterApplicationArn ? instanceArnOfApplication(qIdentityCenterApplicationArn) : undefined;
  const where = `in ${ctx.settings.idcRegion}${ctx.settings.idcProfile ? ` with the profile ${ctx.settings.idcProfile}` : ''}`;
  let instanceArn: string | undefined;
  if (active.length === 0) {
    throw new SetupError(
      `IAM Identity Center has no instance ${where}${wanted ? ` (the Amazon Q Business application uses ${wanted})` : ''}: enable it there, or if it is enabled in another Region set AWS_IDC_REGION to that Region (and use a profile of its management or delegated administrator account in AWS_PROFILE_IDENTITY_CENTER).`,
    );
  }
  if (wanted) {
    instanceArn = active.find((candidate) => candidate.InstanceArn === wanted)?.InstanceArn;
    if (!instanceArn) {
      throw new SetupError(
        `The Amazon Q Business application uses the IAM Identity Center instance ${wanted}, which is not visible ${where} (found: ${active.map((candidate) => candidate.InstanceArn).join(', ') || 'none'}): set AWS_IDC_REGION to that instance's Region and AWS_PROFILE_IDENTITY_CENTER to a profile of its account (the organization's management or delegated administrator account).`,
      );
    }
  } else if (active.length === 1) {
    instanceArn = active[0]?.InstanceArn;
  }
  if (!instanceArn) {
    throw new SetupError(`The Amazon Q Business application names no Identity Center application, and ${active.length} Identity Center instances are active ${where}: cannot tell which one it uses.`);
  }
  ctx.log(`IAM Identity Center instance: ${instanceArn} (${ctx.settings.idcRegion})`);
  return instanceArn;
}

export async function ensureTrustedTokenIssuer(ctx: SetupContext, instanceArn: string): Promise<string> {
  const { settings } = ctx;
  const wanted = { ClaimAttributePath: settings.claimAttribute, IdentityStoreAttributePath: settings.identityStoreAttribute, JwksRetrievalOption: 'OPEN_ID_DISCOVERY' as const };
  const existing = await findTrustedTokenIssuer(ctx, instanceArn);
  if (existing) {
    const description = await ctx.read('describe the trusted token issuer', () => ctx.clients.ssoAdmin.send(new DescribeTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: existing })));
    const current = description.TrustedTokenIssuerConfiguration?.OidcJwtConfiguration;
    if (current?.ClaimAttributePath !== wanted.ClaimAttributePath || current?.IdentityStoreAttributePath !== wanted.IdentityStoreAttributePath) {
      await ctx.change(`update the trusted token issuer claim mapping to ${wanted.ClaimAttributePath} → ${wanted.IdentityStoreAttributePath}`, () =>
        ctx.clients.ssoAdmin.send(new UpdateTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: existing, TrustedTokenIssuerConfiguration: { OidcJwtConfiguration: wanted } })),
      );
    }
    return existing;
  }
  const created = await ctx.change(`create the trusted token issuer for ${issuerUrl(settings.tenantId)} (${wanted.ClaimAttributePath} → ${wanted.IdentityStoreAttributePath})`, () =>
    ctx.clients.ssoAdmin.send(
      new CreateTrustedTokenIssuerCommand({
        InstanceArn: instanceArn,
        Name: trustedTokenIssuerName(settings.tenantId),
        TrustedTokenIssuerType: 'OIDC_JWT',
        TrustedTokenIssuerConfiguration: { OidcJwtConfiguration: { IssuerUrl: issuerUrl(settings.tenantId), ...wanted } },
        Tags: [MANAGED_TAG],
      }),
    ),
  );
  return created?.TrustedTokenIssuerArn ?? '(new trusted token issuer)';
}

/**
 * The trusted token issuer for this tenant's v2 issuer URL, whatever its name: one created by hand
 * or by another tool for the same Entra tenant is reused (an instance refuses a second issuer
 * with the same URL).
 */
export async function findTrustedTokenIssuer(ctx: SetupContext, instanceArn: string): Promise<string | undefined> {
  const client = ctx.clients.ssoAdmin;
  const TrustedTokenIssuers = await ctx.list(
    'list trusted token issuers (sso:ListTrustedTokenIssuers)',
    () => paginateListTrustedTokenIssuers({ client }, { InstanceArn: instanceArn }),
    (page) => page.TrustedTokenIssuers,
  );
  const wanted = normalisedIssuer(issuerUrl(ctx.settings.tenantId));
  // Our own name first: usually the one, and it saves a describe per issuer.
  const ordered = [...TrustedTokenIssuers].sort((a, b) => Number(b.Name === trustedTokenIssuerName(ctx.settings.tenantId)) - Number(a.Name === trustedTokenIssuerName(ctx.settings.tenantId)));
  for (const issuer of ordered) {
    if (!issuer.TrustedTokenIssuerArn || (issuer.TrustedTokenIssuerType && issuer.TrustedTokenIssuerType !== 'OIDC_JWT')) continue;
    const arn = issuer.TrustedTokenIssuerArn;
    const description = await ctx.read(`describe the trusted token issuer ${issuer.Name ?? arn}`, () => client.send(new DescribeTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: arn })));
    const url = description.TrustedTokenIssuerConfiguration?.OidcJwtConfiguration?.IssuerUrl;
    if (url && normalisedIssuer(url) === wanted) {
      if (issuer.Name !== trustedTokenIssuerName(ctx.settings.tenantId)) ctx.log(`using the existing trusted token issuer ${issuer.Name} for ${issuerUrl(ctx.settings.tenantId)}`);
      return arn;
    }
  }
  return undefined;
}

function normalisedIssuer(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

function listApplications(ctx: SetupContext, instanceArn: string): Promise<ApplicationSummary[]> {
  const client = ctx.clients.ssoAdmin;
  return ctx.list('list Identity Center applications (sso:ListApplications)', () => paginateListApplications({ client }, { InstanceArn: instanceArn }), (page) => page.Applications);
}

export async function findApplication(ctx: SetupContext, instanceArn: string): Promise<string | undefined> {
  const applications = await listApplications(ctx, instanceArn);
  return applications.find((application) => application.Name === applicationName(ctx.settings.environment))?.ApplicationArn;
}

/**
 * The application, its grants, IAM authentication for the bot principal only, and Q's scopes.
 * `found`: what `findApplication` already returned in this run (the list is not read again).
 */
export async function ensureApplication(ctx: SetupContext, instanceArn: string, issuerArn: string, botPrincipalArn: string, found?: { applicationArn: string | undefined }): Promise<string> {
  const { ssoAdmin } = ctx.clients;
  let applicationArn = found ? found.applicationArn : await findApplication(ctx, instanceArn);
  const isNew = !applicationArn;
  if (!applicationArn) {
    const created = await ctx.change(`create the Identity Center application ${applicationName(ctx.settings.environment)}`, () =>
      ssoAdmin.send(
        new CreateApplicationCommand({
          InstanceArn: instanceArn,
          ApplicationProviderArn: CUSTOM_APPLICATION_PROVIDER,
          Name: applicationName(ctx.settings.environment),
          Description: 'Amazon Q Business for Microsoft Teams: exchanges Teams SSO tokens for identity-aware sessions.',
          Status: 'ENABLED',
          Tags: [MANAGED_TAG],
        }),
      ),
    );
    applicationArn = created?.ApplicationArn ?? '(new application)';
  }
  const arn = applicationArn;
  // A just-created application (or a dry run of one) has none of the settings below yet.
  const current = async <T>(description: string, read: () => Promise<T>): Promise<T | undefined> => {
    if (isNew) return undefined;
    try {
      return await ctx.read(description, read);
    } catch (error) {
      if (/ResourceNotFound|does not exist/i.test(String((error as Error).message))) return undefined;
      throw error;
    }
  };

  const assignment = await current('read the application assignment setting', () => ssoAdmin.send(new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: arn })));
  if (assignment?.AssignmentRequired !== false) {
    await ctx.change('let every Identity Center user use the application (no assignment required)', () =>
      ssoAdmin.send(new PutApplicationAssignmentConfigurationCommand({ ApplicationArn: arn, AssignmentRequired: false })),
    );
  }

  const wantedJwt: Grant = { JwtBearer: { AuthorizedTokenIssuers: [{ TrustedTokenIssuerArn: issuerArn, AuthorizedAudiences: [ctx.settings.ssoClientId] }] } };
  const jwt = await current('read the jwt-bearer grant', () => ssoAdmin.send(new GetApplicationGrantCommand({ ApplicationArn: arn, GrantType: JWT_BEARER })));
  if (JSON.stringify(jwt?.Grant?.JwtBearer?.AuthorizedTokenIssuers) !== JSON.stringify(wantedJwt.JwtBearer?.AuthorizedTokenIssuers)) {
    await ctx.change(`grant jwt-bearer for the trusted token issuer with audience ${ctx.settings.ssoClientId}`, () =>
      ssoAdmin.send(new PutApplicationGrantCommand({ ApplicationArn: arn, GrantType: JWT_BEARER, Grant: wantedJwt })),
    );
  }
  const refresh = await current('read the refresh_token grant', () => ssoAdmin.send(new GetApplicationGrantCommand({ ApplicationArn: arn, GrantType: 'refresh_token' })));
  if (!refresh?.Grant) {
    await ctx.change('grant refresh_token (silent renewal)', () => ssoAdmin.send(new PutApplicationGrantCommand({ ApplicationArn: arn, GrantType: 'refresh_token', Grant: { RefreshToken: {} } })));
  }

  const actorPolicy = tokenExchangeActorPolicy(botPrincipalArn);
  const method = await current('read the IAM authentication method', () =>
    ssoAdmin.send(new GetApplicationAuthenticationMethodCommand({ ApplicationArn: arn, AuthenticationMethodType: 'IAM' })),
  );
  if (JSON.stringify(method?.AuthenticationMethod?.Iam?.ActorPolicy) !== JSON.stringify(actorPolicy)) {
    await ctx.change(
      `allow only ${botPrincipalArn} to call CreateTokenWithIAM`,
      () => ssoAdmin.send(new PutApplicationAuthenticationMethodCommand({ ApplicationArn: arn, AuthenticationMethodType: 'IAM', AuthenticationMethod: { Iam: { ActorPolicy: actorPolicy } } })),
      isNewPrincipalNotYetVisible,
    );
  }

  const scopes = await current('list the application access scopes', () =>
    ctx.list('list the application access scopes', () => paginateListApplicationAccessScopes({ client: ssoAdmin }, { ApplicationArn: arn }), (page) => page.Scopes),
  );
  for (const scope of Q_ACCESS_SCOPES) {
    if (!scopes?.some((existing) => existing.Scope === scope)) {
      await ctx.change(`add the access scope ${scope}`, () => ssoAdmin.send(new PutApplicationAccessScopeCommand({ ApplicationArn: arn, Scope: scope })));
    }
  }
  return arn;
}

export async function deleteIdentityCenterResources(ctx: SetupContext, instanceArn: string): Promise<void> {
  const applicationArn = await findApplication(ctx, instanceArn);
  if (applicationArn) await ctx.change(`delete the Identity Center application ${applicationArn}`, () => ctx.clients.ssoAdmin.send(new DeleteApplicationCommand({ ApplicationArn: applicationArn })));
  const issuerArn = await findTrustedTokenIssuer(ctx, instanceArn);
  // The issuer is per Entra tenant: other environments of this app may still use it.
  const others = (await listApplications(ctx, instanceArn)).filter((application) => application.Name?.startsWith('AmazonQBusinessTeams-') && application.ApplicationArn !== applicationArn);
  if (issuerArn && others.length > 0) {
    ctx.log(`keeping the trusted token issuer: still used by ${others.map((application) => application.Name).join(', ')}`);
  } else if (issuerArn) {
    await ctx.change(`delete the trusted token issuer ${issuerArn}`, () => ctx.clients.ssoAdmin.send(new DeleteTrustedTokenIssuerCommand({ TrustedTokenIssuerArn: issuerArn })));
  }
}
