/**
 * The start-up self-test of the bot's AWS identity on Azure: fetch the managed identity token,
 * make a real AssumeRoleWithWebIdentity, and log what AWS was shown — the token's iss, aud, azp,
 * sub and ver (never the token) — with AWS's error code when it refuses. Readiness reports the
 * latest result, so an instance whose identity AWS does not trust leaves rotation and says why,
 * instead of failing every person's first question. A transient failure (no token from the
 * identity endpoint, throttling, an AWS or network outage) is retried with capped exponential
 * back-off until it passes, so one bad second at start does not keep an instance out until it
 * restarts; a refusal (AccessDenied, InvalidIdentityToken…) is final and stays red.
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

/** AWS error codes that say "try again", not "no". */
const TRANSIENT_AWS_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'IDPCommunicationError', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError', 'ExpiredTokenException']);
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up|network/i;

export function isTransient(result: WebIdentitySelfTestResult): boolean {
  if (result.ok) return false;
  if (result.stage === 'managedIdentityToken') return true;
  return TRANSIENT_AWS_CODES.has(result.awsErrorCode ?? '') || NETWORK.test(result.message);
}

export interface SelfTestSchedule {
  /** Wait before retry number `attempt` (1-based). Default: 1 s doubling, at most 60 s. */
  backoffMs?: (attempt: number) => number;
  /** How to wait (tests pass one that records the delay and returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultBackoff = (attempt: number): number => Math.min(60_000, 1000 * 2 ** (attempt - 1));
const unrefSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Runs the self-test, retrying transient failures; `latest()` is what readiness reports. */
export class WebIdentitySelfTest {
  private last: WebIdentitySelfTestResult | undefined;
  private firstResult: Promise<WebIdentitySelfTestResult> | undefined;
  private stopped = false;
  /** Retries made so far (0 before the first retry). */
  retries = 0;
  /** Settles when the loop ends: passed, refused for good, or stopped. */
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly identity: AzureWebIdentity,
    private readonly logger: Logger,
    private readonly schedule: SelfTestSchedule = {},
  ) {}

  start(): void {
    let reportFirst: (result: WebIdentitySelfTestResult) => void = () => undefined;
    this.firstResult = new Promise((resolve) => (reportFirst = resolve));
    this.done = this.loop(reportFirst);
  }

  stop(): void {
    this.stopped = true;
  }

  /** The latest result; before the first attempt has finished, waits for it. */
  async latest(): Promise<WebIdentitySelfTestResult | undefined> {
    if (this.last) return this.last;
    return this.firstResult;
  }

  private async loop(reportFirst: (result: WebIdentitySelfTestResult) => void): Promise<void> {
    const backoff = this.schedule.backoffMs ?? defaultBackoff;
    const sleep = this.schedule.sleep ?? unrefSleep;
    for (;;) {
      const result = await runWebIdentitySelfTest(this.identity, this.logger);
      this.last = result;
      if (this.retries === 0) reportFirst(result);
      if (result.ok || !isTransient(result) || this.stopped) return;
      this.retries += 1;
      const wait = backoff(this.retries);
      this.logger.warn({ event: 'awsWebIdentitySelfTest', retry: this.retries, retryInMs: wait }, `AWS identity self-test failed transiently; retrying in ${Math.round(wait / 1000)} s`);
      await sleep(wait);
      if (this.stopped) return;
    }
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
