/**
 * The one local AWS account (111122223333) as the setup script leaves it: the IAM OIDC provider
 * for the sample managed identity's issuer, the bot role (web-identity trust pinned to that
 * identity, permissions to exchange tokens at the bot's Identity Center application and to act as
 * the user role) and the Q user role (trusts the bot; chat permissions on the one Q application).
 * The documents come from deploy/aws/iam.ts, the same builders the real setup sends. The local
 * STS decides with it, and the doctor's administrator reads (localdev/admin/) read it.
 */
import type { JSONWebKeySet } from 'jose';
import { botPermissions, botRoleName, botTrustPolicy, managedIdentityClientIds, managedIdentityIssuer, qUserPermissions, qUserTrustPolicy } from '../../deploy/aws/iam';
import { LOCAL_APPLICATION_ID, LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN } from '../../deploy/aws/localServices';
import { LOCAL_AWS_ACCOUNT_ID, type LocalIam, type LocalRole } from './iam';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PRINCIPAL_ID, LOCAL_MI_TENANT_ID } from './managedIdentity';

export const LOCAL_Q_REGION = 'us-east-1';
export const LOCAL_Q_APPLICATION_ARN = `arn:aws:qbusiness:${LOCAL_Q_REGION}:${LOCAL_AWS_ACCOUNT_ID}:application/${LOCAL_APPLICATION_ID}`;

export interface LocalAccountOptions {
  /** Where the bot's Identity Center application lives (another account in some layouts). */
  idcApplicationArn?: string;
  environment?: string;
}

/** Resets the account's IAM to a correct deployment; returns the ARNs it made. */
export function seedLocalAwsAccount(iam: LocalIam, managedIdentityKeys: JSONWebKeySet, options: LocalAccountOptions = {}): { providerArn: string; botRoleArn: string; qUserRoleArn: string } {
  iam.clear();
  const provider = iam.addOidcProvider(`https://${managedIdentityIssuer(LOCAL_MI_TENANT_ID)}`, managedIdentityClientIds(LOCAL_MI_CLIENT_ID), managedIdentityKeys);
  // As IAM stores them: the JSON documents the setup script sends.
  const asStored = <T>(document: unknown): T => JSON.parse(JSON.stringify(document)) as T;
  const botName = botRoleName(options.environment ?? 'local');
  const botRoleArn = `arn:aws:iam::${LOCAL_AWS_ACCOUNT_ID}:role/${botName}`;
  // The bot role first: tests that take "the" role of the web-identity trust take the first one.
  iam.putRole(botName, asStored<LocalRole['trustPolicy']>(botTrustPolicy(provider.arn, LOCAL_MI_TENANT_ID, LOCAL_MI_PRINCIPAL_ID)), {
    'bot-access': asStored(botPermissions(LOCAL_Q_USER_ROLE_ARN, options.idcApplicationArn ?? LOCAL_IDC_APPLICATION_ARN)),
  });
  const userRole = iam.putRole(LOCAL_Q_USER_ROLE_ARN.split('/').pop() as string, asStored<LocalRole['trustPolicy']>(qUserTrustPolicy(botRoleArn)), {
    'qbusiness-chat': asStored(qUserPermissions(LOCAL_Q_APPLICATION_ARN)),
  });
  return { providerArn: provider.arn, botRoleArn, qUserRoleArn: userRole.arn };
}
