/**
 * The Bot Framework side of the composition: botbuilder's authentication settings (public cloud
 * unless the environment names others: sovereign clouds, local tests), the credentials the bot
 * uses for its own outbound token, connector calls bounded in time, the channel's signing keys
 * fetched the careful way, and the inbound authentication the front door runs.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, MsalServiceClientCredentialsFactory, type AuthenticateRequestResult, type BotFrameworkAuthentication, type ConnectorFactory, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from 'pino';
import type { BotFrameworkSettings, FrontDoorSettings } from './settings';
import { ChannelSigningKeys, useChannelKeysFor } from './channelKeys';
import { InboundAuthentication } from './inboundAuthentication';

/** Per attempt, and for a whole connector call with the SDK's retries. */
export const CONNECTOR_ATTEMPT_TIMEOUT_MS = 4000;
export const CONNECTOR_CALL_TIMEOUT_MS = 6000;

/**
 * The Teams AI adapter, running turns for requests the front door has already authenticated, with
 * every connector client it creates (for turns and proactive sends alike) bounded in time.
 */
export class FrontDoorAdapter extends TeamsAdapter {
  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    const authentication = this.botFrameworkAuthentication;
    const createConnectorFactory = authentication.createConnectorFactory.bind(authentication);
    const authenticateRequest = authentication.authenticateRequest.bind(authentication);
    authentication.createConnectorFactory = (claimsIdentity) => boundedConnectors(createConnectorFactory(claimsIdentity));
    authentication.authenticateRequest = async (activity, authHeader) => {
      const result = await authenticateRequest(activity, authHeader);
      return result.connectorFactory ? { ...result, connectorFactory: boundedConnectors(result.connectorFactory) } : result;
    };
  }

  /** botbuilder's authentication as configured for this adapter (the one the front door runs). */
  get authentication(): BotFrameworkAuthentication {
    return this.botFrameworkAuthentication;
  }

  runAuthenticated(authentication: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authentication, activity, logic);
  }
}

export interface BotFrameworkParts {
  adapter: FrontDoorAdapter;
  authentication: InboundAuthentication;
}

export function createBotFrameworkParts(config: Pick<FrontDoorSettings, 'bot' | 'botFramework'>, logger: Logger): BotFrameworkParts {
  const bot = config.bot;
  const settings: ConfigurationBotFrameworkAuthenticationOptions = bot
    ? {
        MicrosoftAppId: bot.appId,
        MicrosoftAppPassword: bot.appPassword,
        MicrosoftAppType: bot.appType,
        MicrosoftAppTenantId: bot.tenantId,
        ...withPublicCloudDefaults(config.botFramework),
      }
    : {};
  const credentialsFactory = bot?.appPassword && config.botFramework?.ToChannelFromBotLoginUrl ? msalCredentials(bot.appId, bot.appPassword, config.botFramework.ToChannelFromBotLoginUrl) : undefined;
  const adapter = new FrontDoorAdapter(settings, credentialsFactory);
  if (config.botFramework) {
    logger.info({ botFrameworkSettings: config.botFramework }, `botbuilder authentication settings from the environment: ${Object.keys(config.botFramework).join(', ')}`);
  }
  if (!bot) return { adapter, authentication: new InboundAuthentication(adapter.authentication, undefined) };
  const metadataUrl = settings.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  useChannelKeysFor(metadataUrl, new ChannelSigningKeys(metadataUrl, logger));
  return { adapter, authentication: new InboundAuthentication(adapter.authentication, settings.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer) };
}

/**
 * botbuilder takes custom settings all or nothing (any one set and the rest are undefined), so the
 * ones not named fall back to the public cloud's values.
 */
function withPublicCloudDefaults(settings: BotFrameworkSettings | undefined): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  if (!settings) return {};
  return {
    ToBotFromChannelOpenIdMetadataUrl: settings.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: settings.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToChannelFromBotLoginUrl: settings.ToChannelFromBotLoginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: settings.ToChannelFromBotOAuthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: settings.OAuthUrl ?? AuthenticationConstants.OAuthUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ValidateAuthority: settings.ValidateAuthority ?? 'true',
    CallerId: 'urn:botframework:azure',
  };
}

/**
 * The bot's outbound token from the login URL the settings name. MSAL only trusts authorities it
 * knows; naming the login host as known keeps it from asking login.microsoftonline.com first.
 */
function msalCredentials(appId: string, password: string, loginUrl: string): ServiceClientCredentialsFactory {
  const client = new ConfidentialClientApplication({ auth: { clientId: appId, clientSecret: password, authority: loginUrl, knownAuthorities: [new URL(loginUrl).host] } });
  return new MsalServiceClientCredentialsFactory(appId, client);
}

/** The pipeline of the HTTP client inside botbuilder's ConnectorClient (@azure/core-rest-pipeline). */
interface ConnectorPipeline {
  addPolicy(
    policy: { name: string; sendRequest(request: { timeout: number; abortSignal?: AbortSignal }, next: (request: unknown) => Promise<unknown>): Promise<unknown> },
    options?: { afterPhase?: 'Retry' },
  ): void;
}

/**
 * A connector call not attempted, or not retried, because the turn's serviceUrl refused a
 * connection: nothing listens there, and waiting out retries would only hold the request.
 */
export class ServiceUrlRefused extends Error {
  readonly kind = 'serviceUrlRefused';
  // Not one of the system error codes the client's retry policy retries.
  readonly code = 'SERVICE_URL_REFUSED';
  constructor(cause: unknown) {
    super('The serviceUrl refused the connection; later connector calls of this turn are not attempted.', { cause });
    this.name = 'ServiceUrlRefused';
  }
}

function refusedConnection(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ECONNREFUSED';
}

/**
 * Connector calls give up promptly on a dead or silent serviceUrl instead of holding the turn:
 * a timeout per attempt and one for the call with the client's retries. A refused connection is
 * not retried, and, since botbuilder creates one client per turn, every later call of that turn
 * (typing, the card, the error message) fails at once instead of waiting again. (botbuilder
 * replaces any request policies passed in its options, so the policies go on each client it creates.)
 */
function boundedConnectors(factory: ConnectorFactory): ConnectorFactory {
  return {
    create: async (serviceUrl, audience) => {
      const client = await factory.create(serviceUrl, audience);
      const pipeline = (client as unknown as { client?: { pipeline?: ConnectorPipeline } }).client?.pipeline;
      let refused: ServiceUrlRefused | undefined;
      pipeline?.addPolicy({
        name: 'connectorTimeouts',
        sendRequest: (request, next) => {
          if (refused) return Promise.reject(refused);
          request.timeout = CONNECTOR_ATTEMPT_TIMEOUT_MS;
          const total = AbortSignal.timeout(CONNECTOR_CALL_TIMEOUT_MS);
          request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, total]) : total;
          return next(request);
        },
      });
      // Inside the retry loop: sees each attempt, and stops the retries after a refusal.
      pipeline?.addPolicy(
        {
          name: 'serviceUrlRefused',
          sendRequest: async (request, next) => {
            try {
              return await next(request);
            } catch (error) {
              if (!refusedConnection(error)) throw error;
              refused = new ServiceUrlRefused(error);
              throw refused;
            }
          },
        },
        { afterPhase: 'Retry' },
      );
      return client;
    },
  };
}
