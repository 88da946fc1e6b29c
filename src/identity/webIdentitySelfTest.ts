/**
 * The start-up self-test of the bot's AWS identity on Azure, run once per process: fetch the
 * managed identity token, make a real AssumeRoleWithWebIdentity, and log what AWS was shown — the
 * token's iss, aud, azp, sub and ver (never the token) — with AWS's error code when it refuses.
 * Readiness reports the result, so an instance whose identity AWS does not trust leaves rotation
 * and says why, instead of failing every person's first question.
 */
import type { Logger } from 'pino';
import type { AzureWebIdentity } from './azureWebIdentity';

export interface WebIdentityClaims {
  iss?: string;
  aud?: string | string[];
  azp?: string;
  sub?: string;
  ver?: string;
}

export type WebIdentitySelfTestResult =
  | { ok: true; roleArn: string; claims: WebIdentityClaims; assumedRoleArn?: string }
  | { ok: false; roleArn: string; stage: 'managedIdentityToken' | 'assumeRoleWithWebIdentity'; claims?: WebIdentityClaims; awsErrorCode?: string; message: string };

export async function runWebIdentitySelfTest(identity: AzureWebIdentity, logger: Logger): Promise<WebIdentitySelfTestResult> {
  const { roleArn } = identity;
  let token: string;
  try {
    token = await identity.managedIdentityToken();
  } catch (error) {
    const message = `the managed identity gave no token: ${(error as Error).name}: ${(error as Error).message}`;
    logger.error({ event: 'awsWebIdentitySelfTest', ok: false, stage: 'managedIdentityToken', roleArn, error: (error as Error).name }, `AWS identity self-test failed: ${message}`);
    return { ok: false, roleArn, stage: 'managedIdentityToken', message };
  }
  const claims = claimsOf(token);
  try {
    const { assumedRoleArn } = await identity.assumeRole(token);
    logger.info({ event: 'awsWebIdentitySelfTest', ok: true, roleArn, assumedRoleArn, webIdentityClaims: claims }, 'AWS identity self-test passed: AssumeRoleWithWebIdentity accepted the managed identity token');
    return { ok: true, roleArn, claims, ...(assumedRoleArn ? { assumedRoleArn } : {}) };
  } catch (error) {
    const awsErrorCode = (error as { name?: string }).name ?? 'Error';
    const message = `AWS refused AssumeRoleWithWebIdentity into ${roleArn}: ${awsErrorCode}: ${(error as Error).message}`;
    logger.error(
      { event: 'awsWebIdentitySelfTest', ok: false, stage: 'assumeRoleWithWebIdentity', roleArn, awsErrorCode, webIdentityClaims: claims },
      `AWS identity self-test failed: ${message}. Compare the token's iss/aud/azp/sub with the IAM OIDC provider (URL, client ids) and the role's trust (docs/operating.md, Before you provision).`,
    );
    return { ok: false, roleArn, stage: 'assumeRoleWithWebIdentity', claims, awsErrorCode, message };
  }
}

/** The claims AWS matches, read without verifying (AWS verifies); nothing else of the token is kept. */
function claimsOf(token: string): WebIdentityClaims {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    const aud = Array.isArray(payload.aud) ? payload.aud.map(String) : text(payload.aud);
    const claims: WebIdentityClaims = aud ? { aud } : {};
    for (const name of ['iss', 'azp', 'sub', 'ver'] as const) {
      const value = text(payload[name]);
      if (value) claims[name] = value;
    }
    return claims;
  } catch {
    return {};
  }
}
