/**
 * The AWS half of the identity chain: IAM Identity Center `CreateTokenWithIAM` (Entra token →
 * identity context, or refresh token → new identity context) and STS `AssumeRole` into the Q user
 * role with that context. Both clients use the bot's own AWS identity (the SDK's default chain);
 * the credentials they produce belong to one person.
 */
import { createHash } from 'node:crypto';
import { CreateTokenWithIAMCommand, SSOOIDCClient, SSOOIDCServiceException } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { isBug } from '../domain/failure';
import type { AwsCredentials, AwsCredentialsSource } from '../domain/credentials';
import { IdentityFailure, type IdentityFailureKind } from './identityFailure';

export interface IdentityCenterTokens {
  identityContext: string;
  refreshToken?: string;
}

interface ChainSettings {
  idcApplicationArn: string;
  idcRegion: string;
  qUserRoleArn: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const IDENTITY_CENTER_CONTEXT_PROVIDER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
/** Role chaining caps sessions at one hour. */
const SESSION_SECONDS = 3600;

export class AwsIdentityChain {
  private readonly identityCenter: SSOOIDCClient;
  private readonly sts: STSClient;

  constructor(
    private readonly settings: ChainSettings,
    /** The bot's own AWS credentials; absent: the SDK's default chain. */
    ownCredentials?: AwsCredentialsSource,
    /** Called with each AWS client once it exists (telemetry adds its middleware). */
    observeClient: (client: SSOOIDCClient | STSClient) => void = () => undefined,
  ) {
    const credentials = ownCredentials ? { credentials: ownCredentials } : {};
    this.identityCenter = new SSOOIDCClient({ region: settings.idcRegion, ...credentials });
    this.sts = new STSClient({ region: settings.idcRegion, ...credentials });
    [this.identityCenter, this.sts].forEach(observeClient);
  }

  /** Entra token → Identity Center identity context (and a refresh token, when the app grants one). */
  exchangeEntraToken(entraToken: string): Promise<IdentityCenterTokens> {
    return this.createToken({ grantType: JWT_BEARER, assertion: entraToken }, 'notInIdentityCenter');
  }

  refresh(refreshToken: string): Promise<IdentityCenterTokens> {
    return this.createToken({ grantType: 'refresh_token', refreshToken }, 'signInRequired');
  }

  /** Temporary credentials that carry the person's identity context. */
  async assumeQUserRole(identityContext: string, userKey: string): Promise<AwsCredentials> {
    try {
      const output = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: this.settings.qUserRoleArn,
          RoleSessionName: roleSessionName(userKey),
          DurationSeconds: SESSION_SECONDS,
          ProvidedContexts: [{ ProviderArn: IDENTITY_CENTER_CONTEXT_PROVIDER, ContextAssertion: identityContext }],
        }),
      );
      const credentials = output.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
        throw new IdentityFailure('unavailable', 'STS AssumeRole returned no credentials');
      }
      return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken, expiration: credentials.Expiration };
    } catch (error) {
      if (error instanceof IdentityFailure) throw error;
      if (error instanceof STSServiceException) {
        const kind: IdentityFailureKind = /AccessDenied/.test(error.name) ? 'roleTrust' : error.name === 'InvalidParameterValue' ? 'identityCenterMisconfigured' : 'unavailable';
        throw new IdentityFailure(kind, `STS AssumeRole into ${this.settings.qUserRoleArn}: ${error.name}: ${error.message}`, error.$metadata.requestId, { cause: error });
      }
      if (isBug(error)) throw error;
      throw new IdentityFailure('unavailable', `STS AssumeRole failed: ${(error as Error).message}`, undefined, { cause: error });
    }
  }

  destroy(): void {
    this.identityCenter.destroy();
    this.sts.destroy();
  }

  private async createToken(grant: { grantType: string; assertion?: string; refreshToken?: string }, onInvalidGrant: IdentityFailureKind): Promise<IdentityCenterTokens> {
    try {
      const output = await this.identityCenter.send(new CreateTokenWithIAMCommand({ clientId: this.settings.idcApplicationArn, ...grant }));
      const identityContext = output.awsAdditionalDetails?.identityContext ?? identityContextFromIdToken(output.idToken);
      if (!identityContext) throw new IdentityFailure('identityCenterMisconfigured', 'CreateTokenWithIAM returned no identity context: check the application\'s access scopes');
      return { identityContext, ...(output.refreshToken ? { refreshToken: output.refreshToken } : {}) };
    } catch (error) {
      if (error instanceof IdentityFailure) throw error;
      if (error instanceof SSOOIDCServiceException) {
        const kind: IdentityFailureKind =
          error.name === 'InvalidGrantException'
            ? onInvalidGrant
            : error.name === 'InvalidRequestRegionException'
              ? 'identityCenterRegion'
              : (error.$metadata.httpStatusCode ?? 0) >= 500
                ? 'unavailable'
                : 'identityCenterMisconfigured';
        const detail = (error as { error_description?: string }).error_description ?? error.message;
        throw new IdentityFailure(kind, `Identity Center CreateTokenWithIAM (${grant.grantType === JWT_BEARER ? 'jwt-bearer' : 'refresh_token'}) for ${this.settings.idcApplicationArn} in ${this.settings.idcRegion}: ${error.name}: ${detail}`, error.$metadata.requestId, { cause: error });
      }
      if (isBug(error)) throw error;
      throw new IdentityFailure('unavailable', `Identity Center is unreachable in ${this.settings.idcRegion}: ${(error as Error).message}`, undefined, { cause: error });
    }
  }
}

/** Identifies the person in CloudTrail without personal data: a hash of their Teams identity. */
function roleSessionName(userKey: string): string {
  return `qteams-${createHash('sha256').update(userKey).digest('hex').slice(0, 24)}`;
}

function identityContextFromIdToken(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const context = claims['sts:identity_context'];
    return typeof context === 'string' ? context : undefined;
  } catch {
    return undefined;
  }
}
