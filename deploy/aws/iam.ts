/**
 * IAM side, in the Q Business account: the Q user role (assumed with each person's identity
 * context) and, on Azure, the bot's own role reached with its managed identity through an IAM
 * OIDC identity provider, so no access keys exist anywhere.
 */
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { MANAGED_TAG, type SetupContext } from './context';
import { SetupError } from './settings';

type PolicyDocument = { Version: string; Statement: Array<Record<string, unknown>> };

export const Q_USER_ACTIONS = ['qbusiness:ChatSync', 'qbusiness:Chat', 'qbusiness:PutFeedback', 'qbusiness:ListConversations', 'qbusiness:ListMessages', 'qbusiness:DeleteConversation'];

export function qUserRoleName(environment: string): string {
  return `AmazonQBusinessTeamsUser-${environment}`;
}

export function botRoleName(environment: string): string {
  return `AmazonQBusinessTeamsBot-${environment}`;
}

/**
 * The application id behind `api://AzureADTokenExchange`: the `aud` of every managed identity
 * token requested for that resource (a v2 token, since that resource asks for v2).
 */
export const AZURE_AD_TOKEN_EXCHANGE_APP_ID = 'fb60f99c-7a34-4190-8149-302f77469936';

/**
 * The issuer of the managed identity's tokens as IAM names the provider (host and path, no
 * scheme): the v2 endpoint of the tenant that owns the Azure subscription (BOT_TENANT_ID), which
 * may differ from the Microsoft 365 tenant of the people signing in.
 */
export function managedIdentityIssuer(subscriptionTenantId: string): string {
  return `login.microsoftonline.com/${subscriptionTenantId}/v2.0`;
}

/**
 * The provider's client ids. IAM checks `aud` against this list, and for some issuers `azp` when
 * the token has one (here `azp` is the managed identity's client id): both are listed.
 */
export function managedIdentityClientIds(managedIdentityClientId: string): string[] {
  return [managedIdentityClientId, AZURE_AD_TOKEN_EXCHANGE_APP_ID];
}

export function roleArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:role/${name}`;
}

/** Role and user ARNs as IAM principals: an assumed-role session stands for its role. */
export function principalArnOf(callerArn: string): string {
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  return assumed ? roleArn(assumed[1] as string, assumed[2] as string) : callerArn;
}

export function qUserTrustPolicy(botPrincipalArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: botPrincipalArn }, Action: ['sts:AssumeRole', 'sts:SetContext'] }],
  };
}

export function qUserPermissions(applicationArn: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Sid: 'ChatAsTheSignedInPerson', Effect: 'Allow', Action: Q_USER_ACTIONS, Resource: applicationArn }] };
}

/** Only tokens whose `sub` is the managed identity's principal (object) id may assume the bot role. */
export function botTrustPolicy(providerArn: string, subscriptionTenantId: string, managedIdentityPrincipalId: string): PolicyDocument {
  const issuer = managedIdentityIssuer(subscriptionTenantId);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuer}:sub`]: managedIdentityPrincipalId } },
      },
    ],
  };
}

/**
 * Least privilege: the token exchange at the bot's own Identity Center application only, and
 * acting as the one Q user role. Without an application ARN (a first run, before the application
 * exists) only the second statement: the setup completes the policy once the application is made.
 */
export function botPermissions(qUserRoleArn: string, idcApplicationArn: string | undefined): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      ...(idcApplicationArn ? [{ Sid: 'ExchangeTeamsTokens', Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: idcApplicationArn }] : []),
      { Sid: 'ActAsTheSignedInPerson', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: qUserRoleArn },
    ],
  };
}

/**
 * The provider for the managed identity's issuer. One this setup created (tagged) is brought to
 * the client ids it needs; one it did not create is never widened silently: adding client ids
 * lets tokens with those audiences from the whole tenant reach every role that trusts the
 * provider, so the setup says what it found and stops unless --widen-oidc-provider is given.
 */
export async function ensureOidcProvider(ctx: SetupContext): Promise<string> {
  const { iam } = ctx.clients;
  const url = managedIdentityIssuer(ctx.settings.botTenantId);
  const clientIds = managedIdentityClientIds(ctx.settings.managedIdentityClientId ?? '');
  const existing = await findOidcProvider(ctx);
  if (existing) {
    const provider = await ctx.read('read the IAM OIDC provider', () => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: existing })));
    const missing = clientIds.filter((id) => !provider.ClientIDList?.includes(id));
    const ours = Boolean(provider.Tags?.some((tag) => tag.Key === MANAGED_TAG.Key && tag.Value === MANAGED_TAG.Value));
    if (missing.length > 0 && !ours) {
      const found = `found the IAM OIDC provider ${existing} (not created by this setup) with client ids ${(provider.ClientIDList ?? []).join(', ') || '(none)'}; the bot needs ${missing.join(', ')} as well`;
      if (!ctx.settings.widenOidcProvider) {
        throw new SetupError(
          `${found}. Adding them would let tokens with those audiences from the whole tenant reach every role that trusts this provider, so the setup does not do it on its own: ` +
            `review the roles that trust ${existing}, then run again with --widen-oidc-provider (teamsapp.yml: the AWS setup step's args), or add the client ids yourself (aws iam add-client-id-to-open-id-connect-provider).`,
        );
      }
      ctx.log(`${found}; --widen-oidc-provider: adding them`);
    }
    for (const clientId of missing) {
      await ctx.change(`add the client id ${clientId} to the IAM OIDC provider`, () => iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: existing, ClientID: clientId })));
    }
    return existing;
  }
  const created = await ctx.change(`create the IAM OIDC identity provider https://${url} (client ids ${clientIds.join(', ')})`, () =>
    iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${url}`, ClientIDList: clientIds, Tags: [MANAGED_TAG] })),
  );
  return created?.OpenIDConnectProviderArn ?? '(new OIDC provider)';
}

async function findOidcProvider(ctx: SetupContext, url = managedIdentityIssuer(ctx.settings.botTenantId)): Promise<string | undefined> {
  const { OpenIDConnectProviderList = [] } = await ctx.read('list IAM OIDC providers (iam:ListOpenIDConnectProviders)', () =>
    ctx.clients.iam.send(new ListOpenIDConnectProvidersCommand({})),
  );
  return OpenIDConnectProviderList.map((provider) => provider.Arn).find((arn): arn is string => Boolean(arn?.endsWith(`:oidc-provider/${url}`)));
}

/**
 * Earlier versions of this setup created a provider for the v1 issuer (`sts.windows.net/<tenant>/`,
 * client id api://AzureADTokenExchange), which managed identity tokens never match.
 */
function legacyIssuers(ctx: SetupContext): string[] {
  return [...new Set([ctx.settings.tenantId, ctx.settings.botTenantId].filter(Boolean))].map((tenant) => `sts.windows.net/${tenant}/`);
}

/** Names a provider of an earlier version that is still there: unused now; --delete removes it. */
export async function reportLegacyOidcProviders(ctx: SetupContext): Promise<void> {
  for (const url of legacyIssuers(ctx)) {
    const arn = await findOidcProvider(ctx, url);
    if (arn) ctx.log(`the IAM OIDC provider ${arn} (from an earlier version of this setup) is no longer used by the bot role; --delete removes it, or delete it in IAM once no other environment uses it`);
  }
}

/**
 * IAM is eventually consistent: a role named as a principal right after it was created is refused
 * ("Invalid principal in policy") for a few seconds. Such writes are retried, a bounded number of times.
 */
export function isNewPrincipalNotYetVisible(error: unknown): boolean {
  const { name = '', message = '' } = error as { name?: string; message?: string };
  return /MalformedPolicyDocument|ValidationException|InvalidParameter/.test(name) && /principal/i.test(message);
}

/** Creates the role, or brings its trust policy and inline policy to what they should be. */
export async function ensureRole(ctx: SetupContext, name: string, trust: PolicyDocument, policyName: string, permissions: PolicyDocument, description: string): Promise<void> {
  const { iam } = ctx.clients;
  const role = await getRole(ctx, name);
  if (!role) {
    await ctx.change(
      `create the IAM role ${name}`,
      () => iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), Description: description, MaxSessionDuration: 3600, Tags: [MANAGED_TAG] })),
      isNewPrincipalNotYetVisible,
    );
  } else if (!samePolicy(role.AssumeRolePolicyDocument, trust)) {
    await ctx.change(`update the trust policy of ${name}`, () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trust) })), isNewPrincipalNotYetVisible);
  }
  const current = role ? await getRolePolicy(ctx, name, policyName) : undefined;
  if (!samePolicy(current, permissions)) {
    await ctx.change(`set the ${policyName} permissions of ${name}`, () => iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(permissions) })));
  }
}

export async function deleteRole(ctx: SetupContext, name: string, policyName: string): Promise<void> {
  if (!(await getRole(ctx, name))) return;
  if (await getRolePolicy(ctx, name, policyName)) {
    await ctx.change(`delete the ${policyName} permissions of ${name}`, () => ctx.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })));
  }
  await ctx.change(`delete the IAM role ${name}`, () => ctx.clients.iam.send(new DeleteRoleCommand({ RoleName: name })));
}

export async function deleteOidcProvider(ctx: SetupContext): Promise<void> {
  for (const url of [managedIdentityIssuer(ctx.settings.botTenantId), ...legacyIssuers(ctx)]) {
    const arn = await findOidcProvider(ctx, url);
    if (arn) await deleteManagedOidcProvider(ctx, arn);
  }
}

async function deleteManagedOidcProvider(ctx: SetupContext, arn: string): Promise<void> {
  const provider = await ctx.read('read the IAM OIDC provider', () => ctx.clients.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
  if (!provider.Tags?.some((tag) => tag.Key === MANAGED_TAG.Key && tag.Value === MANAGED_TAG.Value)) {
    ctx.log(`keeping the IAM OIDC provider ${arn}: it was not created by this setup`);
    return;
  }
  await ctx.change(`delete the IAM OIDC provider ${arn}`, () => ctx.clients.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
}

async function getRole(ctx: SetupContext, name: string): Promise<{ AssumeRolePolicyDocument?: string } | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
    return ctx.read(`read the IAM role ${name} (iam:GetRole)`, () => Promise.reject(error));
  }
}

async function getRolePolicy(ctx: SetupContext, name: string, policyName: string): Promise<string | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))).PolicyDocument;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
    return ctx.read(`read the ${policyName} policy of ${name} (iam:GetRolePolicy)`, () => Promise.reject(error));
  }
}

/** IAM returns policy documents URL-encoded; compare them as JSON. */
function samePolicy(current: string | undefined, wanted: PolicyDocument): boolean {
  if (!current) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(current))) === JSON.stringify(wanted);
  } catch {
    return false;
  }
}
