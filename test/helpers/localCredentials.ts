/**
 * A person's identity-aware AWS credentials from the local services, obtained the way the bot
 * does (Identity Center CreateTokenWithIAM, then STS AssumeRole with the identity context), for
 * tests and the bench that call Q directly.
 */
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN } from '../../localdev/directory';
import type { LocalServices } from '../../localdev/server';
import { LOCAL_CREDENTIALS } from './stack';
import type { TeamsUser } from './teamsActivities';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export async function identityAwareCredentials(q: LocalServices, user: TeamsUser, sessionName = 'test'): Promise<SessionCredentials> {
  const own = { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
  const idc = new SSOOIDCClient({ region: 'us-east-1', endpoint: q.url, credentials: own });
  const sts = new STSClient({ region: 'us-east-1', endpoint: q.url, credentials: own });
  try {
    const tokens = await idc.send(
      new CreateTokenWithIAMCommand({ clientId: LOCAL_IDC_APPLICATION_ARN, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await q.entra.mint({ aadObjectId: user.aadObjectId }) }),
    );
    const role = await sts.send(
      new AssumeRoleCommand({
        RoleArn: LOCAL_Q_USER_ROLE_ARN,
        RoleSessionName: sessionName,
        ProvidedContexts: [{ ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: tokens.awsAdditionalDetails?.identityContext }],
      }),
    );
    return { accessKeyId: role.Credentials?.AccessKeyId ?? '', secretAccessKey: role.Credentials?.SecretAccessKey ?? '', sessionToken: role.Credentials?.SessionToken ?? '' };
  } finally {
    idc.destroy();
    sts.destroy();
  }
}
