/**
 * Composition root: config in, running bot out. The only place that knows which concrete
 * adapter, storage, clients and logger go together.
 */
import type { AddressInfo } from 'node:net';
import { ManagedIdentityCredential } from '@azure/identity';
import type { CryptographyClientOptions } from '@azure/keyvault-keys';
import type pino from 'pino';
import { createBotApplication } from './app';
import { keepCustomEntityProperties } from './teams/keepEntityProperties';
import type { AppConfig } from './config';
import type { SsoConfig } from './identity/signInSettings';
import { createLogger, type Logger } from './logger';
import { BlobStateStorage } from './state/blobStateStorage';
import { MemoryStateStorage } from './state/memoryStateStorage';
import type { StateStorage } from './state/stateStorage';
import { createHttpServer } from './server';
import { errorForLog } from './errors';
import { createBotFrameworkParts } from './frontDoor/botFramework';
import { serveReadiness } from './server';
import { Readiness, readinessChecks } from './readiness';
import { AwsIdentityChain } from './identity/awsIdentityChain';
import { awsCredentialsFromAzureManagedIdentity, TOKEN_EXCHANGE_RESOURCE } from './identity/azureWebIdentity';
import { EntraTokenValidator } from './identity/entraToken';
import { LocalDevTokens } from './identity/localDevTokens';
import { RefreshTokenStore } from './identity/refreshTokenStore';
import { keyVaultKeyWrapping } from './identity/keyVaultKeyWrapping';
import { TokenKeyRing } from './identity/tokenKeyRing';
import { loadEnvelopedKeyRing } from './identity/tokenStoreEnvelope';
import { UserSessions } from './identity/userSessions';
import { appOnlyGraphCredential } from './graph/appOnlyCredential';
import { GraphClient } from './graph/graphClient';
import { MeetingTranscripts } from './graph/meetingTranscripts';
import { DefaultChainClientProvider, PerUserClientProvider, type QClientProvider } from './qbusiness/qbusinessClients';
import { QBusinessService } from './qbusiness/qbusinessService';
import { connectorSpans } from './teams/connectorSpans';
import { logHooks, startTelemetry, traceAwsClient, tracedQClients, tracedStorage } from './telemetry';

export interface StartOptions {
  storage?: StateStorage;
  /** Options of the Key Vault clients (local doubles: trust their test CA, accept a host that is not *.vault.azure.net). */
  keyVaultClientOptions?: CryptographyClientOptions;
  logDestination?: pino.DestinationStream;
  now?: () => Date;
  host?: string;
}

export interface RunningBot {
  url: string;
  logger: Logger;
  close(): Promise<void>;
}

export async function startBot(config: AppConfig, options: StartOptions = {}): Promise<RunningBot> {
  const telemetry = config.telemetry ? await startTelemetry(config.telemetry, config.instance) : undefined;
  const logger = createLogger(config.logLevel, options.logDestination, { instance: config.instance, ...(telemetry ? { telemetry: logHooks(telemetry.logExport, config.telemetry?.logExportLevel) } : {}) });
  telemetry?.reportProblemsTo((problem) => logger.warn({ event: 'telemetry' }, problem));
  keepCustomEntityProperties();
  const { adapter, authentication } = createBotFrameworkParts(config, logger);
  adapter.onTurnError = async (context, error) => {
    logger.error({ activityId: context.activity.id, error: errorForLog(error, { stack: true }) }, 'unhandled turn error');
  };
  if (telemetry) adapter.use(connectorSpans);
  if (!config.bot) {
    logger.warn('BOT_ID is not set: accepting unauthenticated Bot Framework traffic (local playground / Test Tool only).');
  }

  const untracedStorage = options.storage ?? createStorage(config);
  const storage = telemetry ? tracedStorage(untracedStorage, storageKind(config, options)) : untracedStorage;
  // On Azure the bot's own AWS identity comes from its managed identity; elsewhere, the SDK chain.
  const ownAwsCredentials = config.botAwsWebIdentity
    ? awsCredentialsFromAzureManagedIdentity({ ...config.botAwsWebIdentity, region: config.sso?.idcRegion ?? config.qbusiness.region })
    : undefined;
  const now = options.now ?? (() => new Date());
  let clients: QClientProvider;
  let identity: Parameters<typeof createBotApplication>[0]['identity'];
  let chain: AwsIdentityChain | undefined;
  let tokenKeys: Promise<TokenKeyRing> | undefined;
  if (config.sso) {
    const sso = config.sso;
    chain = new AwsIdentityChain(sso, ownAwsCredentials, telemetry ? traceAwsClient : undefined);
    tokenKeys = tokenStoreKeys(sso, storage, logger, options.keyVaultClientOptions);
    const sessions = new UserSessions({ chain, refreshTokens: new RefreshTokenStore(storage, tokenKeys), logger, now });
    clients = new PerUserClientProvider(config.qbusiness.region, sessions);
    identity = {
      sso,
      sessions,
      validator: new EntraTokenValidator(sso, now),
      ...(sso.devLocalSignIn ? { devTokens: new LocalDevTokens(sso.authorityHost) } : {}),
    };
    if (sso.devLocalSignIn) logger.warn('DEV_LOCAL_SIGN_IN is on: people are signed in through the local development issuer (local services only).');
    // Local sign-in never shows a sign-in button, so the fallback's missing URL matters only without it.
    if (!sso.botEndpoint && !sso.devLocalSignIn) logger.warn('BOT_ENDPOINT is not set: Teams cannot offer the fallback sign-in button when silent SSO fails.');
  } else {
    clients = new DefaultChainClientProvider(config.qbusiness.region, ownAwsCredentials);
  }
  if (telemetry) clients = tracedQClients(clients);
  // Without a bot identity the bot only talks to local tools (playground, tests); with one, only on request.
  const loopbackAllowed = !config.bot || Boolean(config.devAllowLoopbackServices);
  const q = new QBusinessService(config.qbusiness.applicationId, clients);
  const bot = createBotApplication({
    adapter,
    storage,
    q,
    logger,
    now,
    threadContextDays: config.threadContextDays,
    allowLoopbackFileHosts: loopbackAllowed,
    streaming: config.streaming,
    spaces: { sharedSpaceAnswers: config.sharedSpaceAnswers, knowledgeScopes: config.knowledgeScopes, ...(config.expertsChannel ? { expertsChannel: config.expertsChannel } : {}) },
    ...(config.bot ? { botAppId: config.bot.appId } : {}),
    ...(identity ? { identity } : {}),
    ...(config.meetingRecaps ? { meetingTranscripts: meetingTranscripts(config.meetingRecaps) } : {}),
    ...(config.devTeamsMeetingApiUrl ? { devTeamsMeetingApiUrl: config.devTeamsMeetingApiUrl } : {}),
  });
  const authPages = config.sso
    ? { clientId: config.sso.clientId, tenantId: config.sso.tenantId, authorityHost: config.sso.authorityHost, scope: `${config.sso.resourceUri}/access_as_user` }
    : undefined;
  const server = createHttpServer(adapter, bot.app, logger, authPages, {
    authentication,
    allowedTenantIds: config.allowedTenantIds,
    allowLoopbackServiceUrl: loopbackAllowed,
  });
  serveReadiness(server, new Readiness(readinessChecks(config, storage, tokenKeys), logger));
  await new Promise<void>((resolve) => server.listen(config.port, options.host ?? '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info(
    { port, qApplicationId: config.qbusiness.applicationId, qRegion: config.qbusiness.region, perUserSignIn: Boolean(config.sso), state: config.state.kind, awsSdk: config.awsSdkEnvironment },
    'bot listening',
  );
  if (config.devTeamsMeetingApiUrl) logger.warn('DEV_TEAMS_MEETING_API_URL is set: meetings are looked up in the local services, not in Teams (development only).');
  if (config.telemetry) {
    const { azureMonitorConnectionString, otlp, otelEnvironment } = config.telemetry;
    logger.info({ event: 'telemetry', azureMonitor: Boolean(azureMonitorConnectionString), otlp: otlp?.protocol ?? false, otel: otelEnvironment }, 'telemetry on');
  }

  return {
    url,
    logger,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bot.stop();
      await storage.close();
      clients.destroy();
      chain?.destroy();
      await telemetry?.shutdown();
    },
  };
}

function meetingTranscripts(settings: NonNullable<AppConfig['meetingRecaps']>): MeetingTranscripts {
  const credential = appOnlyGraphCredential({ ...settings, assertionAudience: TOKEN_EXCHANGE_RESOURCE });
  return new MeetingTranscripts(new GraphClient({ baseUrl: settings.graphBaseUrl, credential }));
}

function storageKind(config: AppConfig, options: StartOptions): string {
  if (options.storage) return 'injected';
  return config.state.kind === 'memory' ? 'memory' : 'azure-blob';
}

/**
 * The token-store key ring: with a Key Vault key, the data key unwrapped by the managed identity
 * (envelope encryption; TOKEN_STORE_KEY, if still set, is adopted once); otherwise TOKEN_STORE_KEY.
 */
function tokenStoreKeys(sso: SsoConfig, storage: StateStorage, logger: Logger, clientOptions?: CryptographyClientOptions): Promise<TokenKeyRing> {
  if (!sso.tokenStoreKeyVaultKeyUrl) return Promise.resolve(new TokenKeyRing(sso.tokenStoreKey, sso.tokenStorePreviousKeys, logger));
  const wrapping = keyVaultKeyWrapping(sso.tokenStoreKeyVaultKeyUrl, new ManagedIdentityCredential({ clientId: sso.tokenStoreKeyVaultClientId ?? '' }), clientOptions);
  const legacyKeys = { ...(sso.tokenStoreKey.length === 32 ? { current: sso.tokenStoreKey } : {}), previous: sso.tokenStorePreviousKeys };
  const loading = loadEnvelopedKeyRing({ storage, wrapping, legacyKeys, logger });
  loading.catch((error: Error & { kind?: string }) =>
    logger.error(
      { event: 'tokenStoreKey', outcome: 'unavailable', kind: error.kind ?? 'unexpected', keyUrl: sso.tokenStoreKeyVaultKeyUrl },
      `the token-store key could not be unwrapped, so no one can sign in on this instance (not ready): ${error.message}. ` +
        'Check that the bot\'s managed identity has the Key Vault Crypto User role on this key, that the key is enabled, and that the vault is reachable; then restart.',
    ),
  );
  return loading;
}

function createStorage(config: AppConfig): StateStorage {
  const state = config.state;
  switch (state.kind) {
    case 'memory':
      return new MemoryStateStorage();
    case 'blobConnectionString':
      return new BlobStateStorage({ connectionString: state.connectionString, container: state.container }, { sdkTelemetry: Boolean(config.telemetry) });
    case 'blobManagedIdentity':
      // The deployment's own blob container, reached with the bot's managed identity.
      return new BlobStateStorage(
        { containerUrl: state.containerUrl, credential: new ManagedIdentityCredential({ clientId: state.managedIdentityClientId }) },
        { sdkTelemetry: Boolean(config.telemetry) },
      );
  }
}
