/**
 * Check group for `--user someone@example.com`: the person's Entra `mail` (what the email claim
 * carries), the Identity Center user with exactly that e-mail (case included: the most common
 * cause of InvalidGrantException), and whether the Q application's subscriptions cover them.
 */
import { DescribeUserCommand, GetUserIdCommand, paginateListGroupMembershipsForMember } from '@aws-sdk/client-identitystore';
import { paginateListSubscriptions } from '@aws-sdk/client-qbusiness';
import { accessFix, AwsReadFailure, awsRead, cliTarget } from './awsAccess';
import type { AzureReadFailure } from './azureAccess';
import type { DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

const MAIL = ['user.entra-mail', 'Entra mail attribute'] as const;
const IDC_USER = ['user.identity-center', 'Identity Center user with exactly that e-mail'] as const;
const SUBSCRIPTION = ['user.subscription', 'Q Business subscription covers them'] as const;

export async function checkPerson(ctx: DoctorContext, address: string): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const mail = await entraMail(ctx, address, lines);
  if (mail === null) return [...lines, skipped(...IDC_USER, 'no e-mail the token could carry'), skipped(...SUBSCRIPTION, 'no Identity Center user to look for')];
  const userId = await identityCenterUser(ctx, mail, lines);
  if (!userId) lines.push(skipped(...SUBSCRIPTION, 'no Identity Center user to look for'));
  else lines.push(await subscription(ctx, userId));
  return lines;
}

/** The value the email claim will carry; null when the person can have none. */
async function entraMail(ctx: DoctorContext, address: string, lines: CheckLine[]): Promise<string | null> {
  const quoted = address.replace(/'/g, "''");
  const filter = encodeURIComponent(`mail eq '${quoted}' or userPrincipalName eq '${quoted}'`);
  let users: Array<{ id?: string; displayName?: string; mail?: string | null; userPrincipalName?: string }>;
  try {
    const body = await ctx.azure.get('graph', `/v1.0/users?$filter=${filter}&$select=id,displayName,mail,userPrincipalName`);
    users = (body.value as typeof users | undefined) ?? [];
  } catch (error) {
    lines.push(skipped(...MAIL, `Microsoft Graph could not be read (${(error as AzureReadFailure).message}); Identity Center is checked with ${address} as typed`));
    return address;
  }
  const user = users[0];
  if (!user) {
    lines.push(failed(...MAIL, `Entra has no user whose mail or user principal name is ${address}.`, 'check the address (Entra admin center → Users), or run the doctor with the address people sign in with.'));
    return null;
  }
  if (!user.mail) {
    lines.push(failed(...MAIL, `${user.displayName ?? user.userPrincipalName} has no mail attribute, so Entra issues no email claim and Identity Center cannot match them.`, `give them a mailbox, or set Email: Entra admin center → Users → ${user.displayName ?? user.userPrincipalName} → Properties → Contact information → Email.`));
    return null;
  }
  lines.push(ok(...MAIL, `${user.displayName ?? user.userPrincipalName}: mail ${user.mail}`));
  return user.mail;
}

async function identityCenterUser(ctx: DoctorContext, mail: string, lines: CheckLine[]): Promise<string | undefined> {
  const { idc, findings, config } = ctx;
  const storeId = findings.identityStoreId;
  if (!storeId) {
    lines.push(skipped(...IDC_USER, findings.idcUnavailable ?? 'the Identity Center instance could not be read (see above)'));
    return undefined;
  }
  const lookUp = async (attributePath: string, value: string): Promise<string | undefined> => {
    try {
      const found = await awsRead(idc, 'look up an Identity Center user', 'identitystore:GetUserId', () =>
        idc.identityStore.send(new GetUserIdCommand({ IdentityStoreId: storeId, AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: value } } })),
      );
      return found.UserId;
    } catch (error) {
      if ((error as AwsReadFailure).kind === 'notFound') return undefined;
      throw error;
    }
  };
  const describe = (userId: string) => awsRead(idc, 'read the Identity Center user', 'identitystore:DescribeUser', () => idc.identityStore.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: userId })));
  try {
    const exact = await lookUp(config.identityStoreAttribute, mail);
    if (exact) {
      const user = await describe(exact);
      lines.push(ok(...IDC_USER, `${user.UserName ?? exact} (${exact}) has ${config.identityStoreAttribute} ${mail}`));
      return exact;
    }
    // Matching is exact: the same person under another spelling of the address is the usual culprit
    // (SCIM provisioning from Entra makes the user name the sign-in address).
    const near = (await lookUp(config.identityStoreAttribute, mail.toLowerCase())) ?? (await lookUp('userName', mail));
    if (near) {
      const user = await describe(near);
      const emails = (user.Emails ?? []).map((email) => email.Value ?? '');
      const sameButCase = emails.find((email) => email.toLowerCase() === mail.toLowerCase());
      lines.push(
        failed(
          ...IDC_USER,
          sameButCase
            ? `Identity Center user ${user.UserName ?? near} has e-mail ${sameButCase}, but Entra sends ${mail}: the match is case-sensitive, so the exchange fails (InvalidGrantException).`
            : `Identity Center user ${user.UserName ?? near} has e-mail(s) ${emails.join(', ') || '(none)'}, none of them ${mail}: the exchange fails (InvalidGrantException).`,
          `make both read exactly ${mail}: IAM Identity Center console → Users → ${user.UserName ?? near} → Edit → Email (or correct the attribute SCIM provisioning maps from Entra).`,
        ),
      );
      return undefined;
    }
    lines.push(
      failed(
        ...IDC_USER,
        `identity store ${storeId} has no user whose ${config.identityStoreAttribute} is ${mail}: the exchange fails (InvalidGrantException).`,
        'provision them from Entra (Entra admin center → Enterprise applications → AWS IAM Identity Center → Provisioning → Provision on demand) or add them: IAM Identity Center console → Users → Add user, with exactly that e-mail.',
      ),
    );
    return undefined;
  } catch (error) {
    lines.push(failed(...IDC_USER, (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, idc, 'identitystore:GetUserId')));
    return undefined;
  }
}

async function subscription(ctx: DoctorContext, userId: string): Promise<CheckLine> {
  const { q, idc, config, findings } = ctx;
  if (findings.qUnavailable || !config.qApplicationId) return skipped(...SUBSCRIPTION, findings.qUnavailable ?? 'AMAZON_Q_APP_ID is not set');
  try {
    const storeId = findings.identityStoreId as string;
    const groups = await awsRead(idc, "list the person's groups", 'identitystore:ListGroupMembershipsForMember', async () => {
      const all: string[] = [];
      for await (const page of paginateListGroupMembershipsForMember({ client: idc.identityStore }, { IdentityStoreId: storeId, MemberId: { UserId: userId } })) all.push(...(page.GroupMemberships ?? []).map((membership) => membership.GroupId ?? ''));
      return all;
    });
    const subscriptions = await awsRead(q, 'list the Q application subscriptions', 'qbusiness:ListSubscriptions', async () => {
      const all = [];
      for await (const page of paginateListSubscriptions({ client: q.qbusiness }, { applicationId: config.qApplicationId as string })) all.push(...(page.subscriptions ?? []));
      return all;
    });
    const direct = subscriptions.find((entry) => entry.principal?.user === userId);
    const viaGroup = subscriptions.find((entry) => entry.principal?.group && groups.includes(entry.principal.group));
    const covering = direct ?? viaGroup;
    if (covering) return ok(...SUBSCRIPTION, `${covering.currentSubscription?.type ?? 'subscribed'}${direct ? ' (their own subscription)' : ` (through group ${viaGroup?.principal?.group})`}`);
    if (findings.qAutoSubscribe) return ok(...SUBSCRIPTION, 'no subscription yet, and the application subscribes people at their first use (auto-subscribe on)');
    return failed(
      ...SUBSCRIPTION,
      `neither user ${userId} nor any of their ${groups.length} group(s) has a subscription to application ${config.qApplicationId}, and auto-subscribe is off: Q refuses them.`,
      `aws qbusiness create-subscription --application-id ${config.qApplicationId} --principal user=${userId} --type Q_BUSINESS${cliTarget(q)} (or subscribe a group of theirs: Amazon Q Business console → the application → Manage user access)`,
    );
  } catch (error) {
    return failed(...SUBSCRIPTION, (error as AwsReadFailure).message, accessFix(error as AwsReadFailure, q, 'qbusiness:ListSubscriptions'));
  }
}
