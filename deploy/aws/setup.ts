/**
 * `node lib/deploy/aws/setup.js --target local|azure [--dry-run] [--delete]`, run by the Teams
 * Toolkit's `script` step (teamsapp.local.yml, teamsapp.yml) with the environment's variables.
 *
 * Sets up the AWS side of per-user Q Business access, idempotently: the IAM role(s), the trusted
 * token issuer for the Entra tenant and the Identity Center application; then hands the ARNs the
 * bot needs back to the toolkit. Without AMAZON_Q_APP_ID (local F5 only) it points the bot at the
 * local AWS-compatible services instead, so no AWS account is needed.
 */
import { randomBytes } from 'node:crypto';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetApplicationCommand, QBusinessClient } from '@aws-sdk/client-qbusiness';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SetupContext, type SetupClients } from './context';
import { announce, readEnvFile, updateEnvFile } from './envFile';
import { botPermissions, botRoleName, botTrustPolicy, deleteOidcProvider, deleteRole, ensureOidcProvider, ensureRole, principalArnOf, reportLegacyOidcProviders, qUserPermissions, qUserRoleName, qUserTrustPolicy, roleArn } from './iam';
import { deleteIdentityCenterResources, ensureApplication, ensureTrustedTokenIssuer, findApplication, findInstance } from './identityCenter';
import { LOCAL_AAD_CLIENT_ID, LOCAL_APPLICATION_ID, LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN, LOCAL_SAMPLE_PERSON, LOCAL_SERVICES_URL, LOCAL_TENANT_ID } from './localServices';
import { describePlan } from './plan';
import { parseSettings, SetupError, type SetupSettings } from './settings';

export interface SetupIo {
  write(line: string): void;
  projectRoot: string;
  /** Injected by tests; otherwise built from the settings' profiles and Regions. */
  clients?: SetupClients;
  /** Waits between retries of IAM writes (tests: no wait). */
  sleep?: (ms: number) => Promise<void>;
}

export async function main(argv: string[], env: Record<string, string | undefined>, io: SetupIo): Promise<number> {
  try {
    const settings = parseSettings(argv, env, io.projectRoot);
    if (settings.dryRun) {
      if (settings.qApplicationId) describePlan(settings, io.write);
      else localServicesOutputs(settings, io);
      io.write('dry run: nothing was changed and no environment file was written.');
      return 0;
    }
    const outputs = settings.qApplicationId ? await setUpAws(settings, io) : localServicesOutputs(settings, io);
    // On Azure the token-store key is generated in Key Vault by provisioning (infra/tokenStoreKey.bicep),
    // never on this machine; the local bot keeps it in the .user file.
    const needsLocalKey = settings.target === 'local' && !readEnvFile(settings.userEnvFile).SECRET_TOKEN_STORE_KEY;
    const secrets: Record<string, string> = needsLocalKey ? { SECRET_TOKEN_STORE_KEY: randomBytes(32).toString('base64') } : {};
    announce(outputs, io.write);
    updateEnvFile(settings.envFile, outputs);
    if (Object.keys(secrets).length > 0) updateEnvFile(settings.userEnvFile, secrets);
    io.write(`✔ wrote ${Object.keys(outputs).length} settings to env/.env.${settings.environment}${Object.keys(secrets).length ? ` and a new TOKEN_STORE_KEY to env/.env.${settings.environment}.user` : ''}.`);
    return 0;
  } catch (error) {
    if (error instanceof SetupError) {
      io.write(`✖ ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function localServicesOutputs(settings: SetupSettings, io: SetupIo): Record<string, string> {
  io.write('AMAZON_Q_APP_ID is empty: the bot will use the local AWS-compatible services (localdev/), signing everyone in as a sample person. Set AMAZON_Q_APP_ID to use a real Amazon Q Business application.');
  if (settings.delete) return clearedOutputs();
  return {
    RUNTIME_AMAZON_Q_APP_ID: LOCAL_APPLICATION_ID,
    RUNTIME_AMAZON_Q_REGION: 'us-east-1',
    RUNTIME_AWS_IDC_REGION: 'us-east-1',
    RUNTIME_AWS_ENDPOINT_URL: LOCAL_SERVICES_URL,
    RUNTIME_AWS_PROFILE: 'default',
    RUNTIME_AWS_ACCESS_KEY_ID: 'AKIALOCALPLAYGROUND1',
    RUNTIME_AWS_SECRET_ACCESS_KEY: 'local-playground-not-a-secret',
    RUNTIME_AAD_APP_CLIENT_ID: LOCAL_AAD_CLIENT_ID,
    RUNTIME_AAD_APP_TENANT_ID: LOCAL_TENANT_ID,
    RUNTIME_AAD_APP_OAUTH_AUTHORITY_HOST: LOCAL_SERVICES_URL,
    RUNTIME_IDC_APPLICATION_ARN: LOCAL_IDC_APPLICATION_ARN,
    RUNTIME_Q_USER_ROLE_ARN: LOCAL_Q_USER_ROLE_ARN,
    RUNTIME_SSO_RESOURCE_URI: 'api://botid-local-services',
    RUNTIME_DEV_LOCAL_SIGN_IN: 'true',
    RUNTIME_DEV_LOCAL_SIGN_IN_USER: LOCAL_SAMPLE_PERSON,
  };
}

function clearedOutputs(): Record<string, string> {
  const names = ['AMAZON_Q_APP_ID', 'AMAZON_Q_REGION', 'AWS_IDC_REGION', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'AAD_APP_OAUTH_AUTHORITY_HOST', 'IDC_APPLICATION_ARN', 'Q_USER_ROLE_ARN', 'SSO_RESOURCE_URI', 'DEV_LOCAL_SIGN_IN', 'DEV_LOCAL_SIGN_IN_USER'];
  return Object.fromEntries(names.map((name) => [`RUNTIME_${name}`, '']));
}

async function setUpAws(settings: SetupSettings, io: SetupIo): Promise<Record<string, string>> {
  const clients = io.clients ?? createClients(settings);
  const ctx = new SetupContext(settings, clients, io.write, io.sleep);

  const caller = await ctx.read('identify the Q Business account (sts:GetCallerIdentity)', () => clients.qSts.send(new GetCallerIdentityCommand({})));
  const accountId = caller.Account ?? '';
  const application = await ctx
    .read(`find the Amazon Q Business application ${settings.qApplicationId} (qbusiness:GetApplication)`, () => clients.qbusiness.send(new GetApplicationCommand({ applicationId: settings.qApplicationId })))
    .catch((error: Error) => {
      if (/ResourceNotFound/.test(error.message)) {
        throw new SetupError(`Amazon Q Business application ${settings.qApplicationId} was not found in ${settings.qRegion} (account ${accountId}): check AMAZON_Q_APP_ID, AMAZON_Q_REGION and AWS_PROFILE_QBUSINESS.`, { cause: error });
      }
      throw error;
    });
  if (application.identityType && application.identityType !== 'AWS_IAM_IDC') {
    throw new SetupError(`Amazon Q Business application ${settings.qApplicationId} uses identity type ${application.identityType}; this bot needs an application connected to IAM Identity Center (AWS_IAM_IDC).`);
  }
  const qApplicationArn = application.applicationArn ?? `arn:aws:qbusiness:${settings.qRegion}:${accountId}:application/${settings.qApplicationId}`;
  const qUserRoleArn = roleArn(accountId, qUserRoleName(settings.environment));
  const botRoleArn = roleArn(accountId, botRoleName(settings.environment));
  const botPrincipalArn = settings.target === 'azure' ? botRoleArn : settings.botPrincipalArn ?? principalArnOf(caller.Arn ?? '');
  io.write(`Q Business application ${qApplicationArn}; the bot acts as ${botPrincipalArn}.`);

  const instanceArn = await findInstance(ctx, application.identityCenterApplicationArn);
  if (settings.delete) {
    await deleteIdentityCenterResources(ctx, instanceArn);
    await deleteRole(ctx, qUserRoleName(settings.environment), 'qbusiness-chat');
    if (settings.target === 'azure') {
      await deleteRole(ctx, botRoleName(settings.environment), 'bot-access');
      await deleteOidcProvider(ctx);
    }
    return { ...clearedOutputs(), IDC_TRUSTED_TOKEN_ISSUER_ARN: '', ...(settings.target === 'azure' ? { BOT_AWS_ROLE_ARN: '', AWS_OIDC_PROVIDER_ARN: '' } : {}) };
  }

  // IAM first: the application's actor policy and the user role's trust name the bot principal.
  const azureOutputs: Record<string, string> = {};
  // The bot role's token exchange names the application: known now on a re-run, after it is made on a first run.
  const botRole = async (applicationArn: string | undefined, providerArn: string): Promise<void> =>
    ensureRole(ctx, botRoleName(settings.environment), botTrustPolicy(providerArn, settings.botTenantId, settings.managedIdentityPrincipalId ?? ''), 'bot-access', botPermissions(qUserRoleArn, applicationArn), 'Amazon Q Business Teams bot: assumed by its Azure managed identity.');
  let providerArn = '';
  const existingApplicationArn = settings.target === 'azure' ? await findApplication(ctx, instanceArn) : undefined;
  if (settings.target === 'azure') {
    providerArn = await ensureOidcProvider(ctx);
    await reportLegacyOidcProviders(ctx);
    await botRole(existingApplicationArn, providerArn);
    Object.assign(azureOutputs, { BOT_AWS_ROLE_ARN: botRoleArn, AWS_OIDC_PROVIDER_ARN: providerArn });
  }
  await ensureRole(ctx, qUserRoleName(settings.environment), qUserTrustPolicy(botPrincipalArn), 'qbusiness-chat', qUserPermissions(qApplicationArn), 'Amazon Q Business Teams bot: chat as the signed-in person.');
  const issuerArn = await ensureTrustedTokenIssuer(ctx, instanceArn);
  const idcApplicationArn = await ensureApplication(ctx, instanceArn, issuerArn, botPrincipalArn, settings.target === 'azure' ? { applicationArn: existingApplicationArn } : undefined);
  if (settings.target === 'azure' && idcApplicationArn !== existingApplicationArn) await botRole(idcApplicationArn, providerArn);

  io.write(ctx.plan.length === 0 ? '✔ AWS is already set up: nothing to change.' : `✔ ${ctx.plan.length} change(s) made.`);
  return {
    RUNTIME_AMAZON_Q_APP_ID: settings.qApplicationId,
    RUNTIME_AMAZON_Q_REGION: settings.qRegion,
    RUNTIME_AWS_IDC_REGION: settings.idcRegion,
    RUNTIME_AWS_ENDPOINT_URL: '',
    // An empty AWS_PROFILE would make the SDK look for a profile named "".
    RUNTIME_AWS_PROFILE: settings.qProfile ?? 'default',
    RUNTIME_AWS_ACCESS_KEY_ID: '',
    RUNTIME_AWS_SECRET_ACCESS_KEY: '',
    RUNTIME_AAD_APP_CLIENT_ID: settings.ssoClientId,
    RUNTIME_AAD_APP_TENANT_ID: settings.tenantId,
    RUNTIME_AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.com',
    RUNTIME_IDC_APPLICATION_ARN: idcApplicationArn,
    RUNTIME_Q_USER_ROLE_ARN: qUserRoleArn,
    RUNTIME_SSO_RESOURCE_URI: `api://botid-${settings.botId}`,
    RUNTIME_DEV_LOCAL_SIGN_IN: 'false',
    RUNTIME_DEV_LOCAL_SIGN_IN_USER: '',
    IDC_TRUSTED_TOKEN_ISSUER_ARN: issuerArn,
    ...azureOutputs,
  };
}

function createClients(settings: SetupSettings): SetupClients {
  const idc = { region: settings.idcRegion, ...(settings.idcProfile ? { profile: settings.idcProfile } : {}) };
  const q = { region: settings.qRegion, ...(settings.qProfile ? { profile: settings.qProfile } : {}) };
  return { ssoAdmin: new SSOAdminClient(idc), iam: new IAMClient(q), qSts: new STSClient(q), qbusiness: new QBusinessClient(q) };
}

if (require.main === module) {
  // The toolkit's script action runs in the project folder (the folder of teamsapp*.yml).
  main(process.argv.slice(2), process.env, { write: (line) => process.stdout.write(`${line}\n`), projectRoot: process.cwd() })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: Error) => {
      process.stderr.write(`✖ ${error.name}: ${error.message}\n`);
      process.exitCode = 1;
    });
}
