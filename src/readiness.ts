/**
 * Readiness (GET /readyz, App Service's health check): can this instance answer questions right
 * now? It checks the configuration it runs with, a read through the bot state store, that the
 * AWS endpoints the SDK would call (Q Business; with sign-in, Identity Center and STS) accept a
 * connection, and on Azure the result of the start-up self-test of the bot's AWS identity (run
 * once per process, never per probe). Results are cached briefly so probes never load the services; a failing check names
 * itself and the endpoint, never a secret. /healthz stays the cheap liveness probe.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ChatSyncCommand, QBusinessClient } from '@aws-sdk/client-qbusiness';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import type { StateStorage } from './state/stateStorage';
import { azureWebIdentity, type AzureWebIdentity } from './identity/azureWebIdentity';
import { isTransient, WebIdentitySelfTest } from './identity/webIdentitySelfTest';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects with a message fit for the response body (no secrets). */
  run(): Promise<void>;
  /** Work done once when readiness is set up (at start), not per probe. */
  start?(logger: Logger): void;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

const CACHE_MS = 10_000;
const CHECK_TIMEOUT_MS = 3_000;

export class Readiness {
  private cached?: { at: number; report: Promise<ReadinessReport> };
  private wasReady = true;

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    for (const check of checks) check.start?.(logger);
  }

  /** The latest report, at most 10 s old; concurrent probes share one run. */
  report(): Promise<ReadinessReport> {
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.report;
    const report = this.runChecks();
    this.cached = { at: this.now(), report };
    return report;
  }

  private async runChecks(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (check): Promise<[string, string]> => {
        try {
          await withTimeout(check.run(), CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS / 1000} s`);
          return [check.name, 'ok'];
        } catch (error) {
          return [check.name, (error as Error).message];
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, result]) => result === 'ok');
    // One line per change of state, so a flapping dependency is visible without a line per probe.
    if (ready !== this.wasReady) {
      if (ready) this.logger.info({ event: 'readiness', ready }, 'ready again');
      else this.logger.warn({ event: 'readiness', ready, checks }, 'not ready: a dependency failed');
      this.wasReady = ready;
    }
    return { ready, checks };
  }
}

/** The checks for this configuration: config, state store, and each AWS endpoint the bot calls. */
export function readinessChecks(config: AppConfig, storage: Pick<StateStorage, 'read'>, tokenKeys?: Promise<unknown>): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [configCheck(config), stateStoreCheck(storage)];
  // Envelope encryption: the data key must have been unwrapped, or no one can sign in here.
  if (config.sso?.tokenStoreKeyVaultKeyUrl && tokenKeys) checks.push(tokenStoreKeyCheck(tokenKeys));
  checks.push(endpointCheck('qbusiness', () => sdkEndpoint(new QBusinessClient(probeClientConfig(config.qbusiness.region)), new ChatSyncCommand({ applicationId: config.qbusiness.applicationId }))));
  const identityRegion = config.sso?.idcRegion ?? config.qbusiness.region;
  if (config.sso) {
    checks.push(endpointCheck('identityCenter', () => sdkEndpoint(new SSOOIDCClient(probeClientConfig(identityRegion)), new CreateTokenWithIAMCommand({ clientId: 'readiness', grantType: 'readiness' }))));
  }
  if (config.botAwsWebIdentity) {
    const identity = azureWebIdentity({ ...config.botAwsWebIdentity, region: identityRegion });
    checks.push(webIdentityCheck(identity));
  }
  if (config.sso || config.botAwsWebIdentity) {
    checks.push(endpointCheck('sts', () => sdkEndpoint(new STSClient(probeClientConfig(identityRegion)), new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/readiness', RoleSessionName: 'readiness' }))));
  }
  return checks;
}

/** The self-test's latest outcome: pending until its first attempt, then the result of the latest one (transient failures are retried). */
function webIdentityCheck(identity: AzureWebIdentity): ReadinessCheck {
  let selfTest: WebIdentitySelfTest | undefined;
  return {
    name: 'awsWebIdentity',
    start: (logger) => {
      selfTest = new WebIdentitySelfTest(identity, logger);
      selfTest.start();
    },
    run: async () => {
      const outcome = await selfTest?.latest();
      if (!selfTest || !outcome) throw new Error('the AWS identity self-test has not started');
      if (outcome.ok) return;
      // The code only: the token's claims are in the start-up log line, not on a public endpoint.
      const what = outcome.stage === 'managedIdentityToken' ? 'no managed identity token' : `AssumeRoleWithWebIdentity refused: ${outcome.awsErrorCode ?? 'error'}`;
      throw new Error(`${what}${isTransient(outcome) ? `, transient: retrying (${selfTest.retries} retries so far)` : ''} (see the awsWebIdentitySelfTest log line)`);
    },
  };
}

function tokenStoreKeyCheck(tokenKeys: Promise<unknown>): ReadinessCheck {
  return {
    name: 'tokenStoreKey',
    run: async () => {
      try {
        await tokenKeys;
      } catch (error) {
        // The kind only: the details (key URL, Key Vault's message) are in the tokenStoreKey log line.
        throw new Error(`the token-store key could not be unwrapped: ${(error as { kind?: string }).kind ?? 'error'} (see the tokenStoreKey log line)`);
      }
    },
  };
}

function configCheck(config: AppConfig): ReadinessCheck {
  return {
    name: 'config',
    run: async () => {
      // Loaded and validated at start; what can still be wrong is a key App Service failed to resolve.
      if (config.sso && !config.sso.tokenStoreKeyVaultKeyUrl && config.sso.tokenStoreKey.length !== 32) throw new Error('TOKEN_STORE_KEY is not a 32-byte key');
    },
  };
}

function stateStoreCheck(storage: Pick<StateStorage, 'read'>): ReadinessCheck {
  return {
    name: 'stateStore',
    run: async () => {
      try {
        await storage.read(['qteams/readiness-probe']);
      } catch (error) {
        throw new Error(`state store read failed (${(error as Error).name})`, { cause: error });
      }
    },
  };
}

/** A TCP connection (TLS handshake for https) to the endpoint: reachability, not authorisation. */
function endpointCheck(name: string, endpoint: () => Promise<URL>): ReadinessCheck {
  let resolved: Promise<URL> | undefined;
  return {
    name,
    run: async () => {
      resolved ??= endpoint();
      const url = await resolved;
      const secure = url.protocol === 'https:';
      const port = Number(url.port || (secure ? 443 : 80));
      await new Promise<void>((resolve, reject) => {
        const socket = secure ? tlsConnect({ host: url.hostname, port, servername: url.hostname }) : tcpConnect({ host: url.hostname, port });
        socket.setTimeout(CHECK_TIMEOUT_MS);
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(new Error(`${url.host} did not accept a connection in time`));
        });
        socket.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot reach ${url.host} (${error.code ?? error.name})`, { cause: error })));
      });
    },
  };
}

/** Never used to sign anything: the probe stops before signing and sending. */
function probeClientConfig(region: string): { region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { region, credentials: { accessKeyId: 'readiness-probe', secretAccessKey: 'readiness-probe' } };
}

class EndpointFound extends Error {
  constructor(readonly url: URL) {
    super('endpoint found');
  }
}

interface ProbeableClient {
  send(command: never): Promise<unknown>;
  destroy(): void;
}

interface ProbeableCommand {
  middlewareStack: { add(middleware: unknown, options: { step: 'build'; priority: 'high'; name: string }): void };
}

/**
 * The URL the SDK itself would send this command to (Region, `AWS_ENDPOINT_URL_*` overrides,
 * FIPS/dual-stack settings: the SDK's own endpoint rules), taken from the built request just
 * before it would be signed; nothing is sent.
 */
export async function sdkEndpoint(client: ProbeableClient, command: ProbeableCommand): Promise<URL> {
  command.middlewareStack.add(
    () => async (args: { request: { protocol: string; hostname: string; port?: number } }) => {
      const { protocol, hostname, port } = args.request;
      throw new EndpointFound(new URL(`${protocol}//${hostname}${port ? `:${port}` : ''}`));
    },
    { step: 'build', priority: 'high', name: 'qteamsReadinessEndpoint' },
  );
  try {
    await client.send(command as never);
    throw new Error('the SDK sent a readiness probe');
  } catch (error) {
    if (error instanceof EndpointFound) return error.url;
    throw error;
  } finally {
    client.destroy();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
