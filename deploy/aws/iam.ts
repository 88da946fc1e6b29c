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

type PolicyDocument = { Version: string; Statement: Array<Record<string, unknown>> };

export const Q_USER_ACTIONS = ['qbusiness:ChatSync', 'qbusiness:Chat', 'qbusiness:PutFeedback', 'qbusiness:ListConversations', 'qbusiness:ListMessages', 'qbusiness:DeleteConversation'];

export function qUserRoleName(environment: string): string {
  return `AmazonQBusinessTeamsUser-${environment}`;
}

export function botRoleName(environment: string): string {
  return `AmazonQBusinessTeamsBot-${environment}`;
}

/** Managed identity tokens are v1 unless the target app asks for v2: issuer sts.windows.net. */
export function managedIdentityIssuer(tenantId: string): string {
  return `sts.windows.net/${tenantId}/`;
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

export function botTrustPolicy(providerArn: string, tenantId: string, audience: string, managedIdentityPrincipalId: string): PolicyDocument {
  const issuer = managedIdentityIssuer(tenantId);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuer}:aud`]: audience, [`${issuer}:sub`]: managedIdentityPrincipalId } },
      },
    ],
  };
}

export function botPermissions(qUserRoleArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ExchangeTeamsTokens', Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' },
      { Sid: 'ActAsTheSignedInPerson', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: qUserRoleArn },
    ],
  };
}

export async function ensureOidcProvider(ctx: SetupContext): Promise<string> {
  const { iam } = ctx.clients;
  const url = managedIdentityIssuer(ctx.settings.tenantId);
  const existing = await findOidcProvider(ctx);
  if (existing) {
    const provider = await ctx.read('read the IAM OIDC provider', () => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: existing })));
    if (!provider.ClientIDList?.includes(ctx.settings.tokenAudience)) {
      await ctx.change(`add the audience ${ctx.settings.tokenAudience} to the IAM OIDC provider`, () =>
        iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: existing, ClientID: ctx.settings.tokenAudience })),
      );
    }
    return existing;
  }
  const created = await ctx.change(`create the IAM OIDC identity provider https://${url} (audience ${ctx.settings.tokenAudience})`, () =>
    iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${url}`, ClientIDList: [ctx.settings.tokenAudience], Tags: [MANAGED_TAG] })),
  );
  return created?.OpenIDConnectProviderArn ?? '(new OIDC provider)';
}

async function findOidcProvider(ctx: SetupContext): Promise<string | undefined> {
  const url = managedIdentityIssuer(ctx.settings.tenantId);
  const { OpenIDConnectProviderList = [] } = await ctx.read('list IAM OIDC providers (iam:ListOpenIDConnectProviders)', () =>
    ctx.clients.iam.send(new ListOpenIDConnectProvidersCommand({})),
  );
  return OpenIDConnectProviderList.map((provider) => provider.Arn).find((arn): arn is string => Boolean(arn?.endsWith(`:oidc-provider/${url}`)));
}

/** Creates the role, or brings its trust policy and inline policy to what they should be. */
export async function ensureRole(ctx: SetupContext, name: string, trust: PolicyDocument, policyName: string, permissions: PolicyDocument, description: string): Promise<void> {
  const { iam } = ctx.clients;
  const role = await getRole(ctx, name);
  if (!role) {
    await ctx.change(`create the IAM role ${name}`, () =>
      iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), Description: description, MaxSessionDuration: 3600, Tags: [MANAGED_TAG] })),
    );
  } else if (!samePolicy(role.AssumeRolePolicyDocument, trust)) {
    await ctx.change(`update the trust policy of ${name}`, () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trust) })));
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
  const arn = await findOidcProvider(ctx);
  if (!arn) return;
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
