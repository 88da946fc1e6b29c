/**
 * The bot's own AWS identity when it runs on Azure, without long-lived keys: a token of the web
 * app's user-assigned managed identity, exchanged with STS AssumeRoleWithWebIdentity for the bot
 * role that the AWS setup script trusts (IAM OIDC provider for the Entra tenant, audience and
 * `sub` = the managed identity). The SDK clients cache the result until shortly before it expires.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialsSource } from '../domain/credentials';

export interface AzureWebIdentitySettings {
  roleArn: string;
  audience: string;
  managedIdentityClientId: string;
  region: string;
}

export function awsCredentialsFromAzureManagedIdentity(settings: AzureWebIdentitySettings): AwsCredentialsSource {
  const azure = new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId });
  const sts = new STSClient({ region: settings.region });
  return async () => {
    const token = await azure.getToken(`${settings.audience}/.default`);
    const output = await sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: settings.roleArn, RoleSessionName: 'qteams-bot', WebIdentityToken: token.token, DurationSeconds: 3600 }),
    );
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
      throw new Error(`AssumeRoleWithWebIdentity into ${settings.roleArn} returned no credentials`);
    }
    return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, expiration: credentials.Expiration };
  };
}
