/**
 * `--dry-run`: the plan of a first run, written without any AWS call (so it works before anyone
 * has AWS access): every resource the setup would create, with the exact policy documents it
 * would attach. Values only AWS knows (the account id, ARNs it assigns) appear as <placeholders>;
 * a real run creates only what is missing and brings the rest to these documents.
 */
import { applicationName, issuerUrl, Q_ACCESS_SCOPES, tokenExchangeActorPolicy, trustedTokenIssuerName } from './identityCenter';
import { botPermissions, botRoleName, botTrustPolicy, managedIdentityClientIds, managedIdentityIssuer, qUserPermissions, qUserRoleName, qUserTrustPolicy, roleArn } from './iam';
import type { SetupSettings } from './settings';

const ACCOUNT = '<Q Business account id>';

export function describePlan(settings: SetupSettings, write: (line: string) => void): void {
  const document = (label: string, policy: unknown): void => {
    write(`    ${label}:`);
    for (const line of JSON.stringify(policy, null, 2).split('\n')) write(`      ${line}`);
  };
  const qApplicationArn = `arn:aws:qbusiness:${settings.qRegion}:${ACCOUNT}:application/${settings.qApplicationId}`;
  const qUserRoleArn = roleArn(ACCOUNT, qUserRoleName(settings.environment));
  const botRoleArn = roleArn(ACCOUNT, botRoleName(settings.environment));
  const botPrincipalArn = settings.target === 'azure' ? botRoleArn : settings.botPrincipalArn ?? '<your AWS principal (sts:GetCallerIdentity), or BOT_AWS_PRINCIPAL_ARN>';
  write(`dry run: no AWS call is made. The plan of a first run for environment "${settings.environment}" (a later run changes only what differs):`);
  if (settings.delete) {
    write(`  would delete the Identity Center application ${applicationName(settings.environment)}, the trusted token issuer ${trustedTokenIssuerName(settings.tenantId)} (unless another environment uses it), the IAM role ${qUserRoleName(settings.environment)}${settings.target === 'azure' ? `, the IAM role ${botRoleName(settings.environment)} and the IAM OIDC provider it created` : ''}.`);
    return;
  }
  write(`  read the Q Business application ${settings.qApplicationId} in ${settings.qRegion} (it must use identity type AWS_IAM_IDC) and the IAM Identity Center instance its identityCenterApplicationArn names, in ${settings.idcRegion}`);
  if (settings.target === 'azure') {
    // Before the first provision these come from infra/azure.bicep's outputs: placeholders until then.
    const tenant = settings.botTenantId || '<BOT_TENANT_ID>';
    const issuer = managedIdentityIssuer(tenant);
    write(`  would create the IAM OIDC identity provider https://${issuer} (the managed identity's issuer: the Azure subscription's tenant${settings.botTenantId && settings.botTenantId !== settings.tenantId ? `, not the Microsoft 365 tenant ${settings.tenantId}` : ''})`);
    write(`    client ids: ${managedIdentityClientIds(settings.managedIdentityClientId ?? '<BOT_ID>').join(', ')} (the token's azp and aud)`);
    write(`  would create the IAM role ${botRoleName(settings.environment)}, assumed by the bot's Azure managed identity`);
    document('trust policy', botTrustPolicy(`arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`, tenant, settings.managedIdentityPrincipalId ?? '<BOT_MANAGED_IDENTITY_PRINCIPAL_ID>'));
    document('inline policy bot-access', botPermissions(qUserRoleArn, `arn:aws:sso::${ACCOUNT}:application/<instance>/<the application created below>`));
  }
  write(`  would create the IAM role ${qUserRoleName(settings.environment)}, assumed with each person's identity context`);
  document('trust policy', qUserTrustPolicy(botPrincipalArn));
  document('inline policy qbusiness-chat', qUserPermissions(qApplicationArn));
  write(`  would create the trusted token issuer ${trustedTokenIssuerName(settings.tenantId)} for ${issuerUrl(settings.tenantId)} (claim ${settings.claimAttribute} → ${settings.identityStoreAttribute})`);
  write(`  would create the Identity Center application ${applicationName(settings.environment)} (no assignment required), with:`);
  write(`    grant jwt-bearer: that issuer, audience ${settings.ssoClientId}; grant refresh_token`);
  document('IAM authentication actor policy', tokenExchangeActorPolicy(botPrincipalArn));
  write(`    access scopes: ${Q_ACCESS_SCOPES.join(', ')}`);
}
