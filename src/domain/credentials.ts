/** AWS credentials, one shape for all of them: a person's identity-aware STS session or the bot's own. */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Hands out fresh credentials each time it is called (the SDK caches them until near expiry). */
export type AwsCredentialsSource = () => Promise<AwsCredentials>;
