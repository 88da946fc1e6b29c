/**
 * The bot's own AWS identity when it runs on Azure, without long-lived keys: a token of the web
 * app's user-assigned managed identity, exchanged with STS AssumeRoleWithWebIdentity for the bot
 * role that the AWS setup script trusts (IAM OIDC provider for the subscription tenant's v2
 * issuer, the identity's client id and the token-exchange app as client ids, `sub` = the
 * identity's principal id). The SDK clients cache the result until shortly before it expires.
 */
import { ManagedIdentityCredential } from '@azure/identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials, AwsCredentialsSource } from '../domain/credentials';

/**
 * The resource a managed identity token is requested for when another service accepts it: AWS STS
 * (the bot role's web identity) and Entra itself (a federated credential's client assertion).
 */
export const TOKEN_EXCHANGE_RESOURCE = 'api://AzureADTokenExchange';

export interface AzureWebIdentitySettings {
  roleArn: string;
  /** The resource the managed identity token is requested for (api://AzureADTokenExchange). */
  audience: string;
  managedIdentityClientId: string;
  region: string;
}

/** The two steps apart, so the start-up self-test can look at the token between them. */
export interface AzureWebIdentity {
  managedIdentityToken(): Promise<string>;
  assumeRole(token: string): Promise<AwsCredentials & { assumedRoleArn?: string }>;
  readonly roleArn: string;
}

export function azureWebIdentity(settings: AzureWebIdentitySettings): AzureWebIdentity {
  const azure = new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId });
  const sts = new STSClient({ region: settings.region });
  return {
    roleArn: settings.roleArn,
    managedIdentityToken: async () => (await azure.getToken(`${settings.audience}/.default`)).token,
    assumeRole: async (token) => {
      const output = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: settings.roleArn, RoleSessionName: 'qteams-bot', WebIdentityToken: token, DurationSeconds: 3600 }));
      const credentials = output.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
        throw new Error(`AssumeRoleWithWebIdentity into ${settings.roleArn} returned no credentials`);
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration: credentials.Expiration,
        ...(output.AssumedRoleUser?.Arn ? { assumedRoleArn: output.AssumedRoleUser.Arn } : {}),
      };
    },
  };
}

export function awsCredentialsFromAzureManagedIdentity(settings: AzureWebIdentitySettings): AwsCredentialsSource {
  const identity = azureWebIdentity(settings);
  return async () => {
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = await identity.assumeRole(await identity.managedIdentityToken());
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  };
}
