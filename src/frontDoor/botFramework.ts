/**
 * The Bot Framework side of the composition: botbuilder's authentication settings (public cloud
 * unless the environment names others: sovereign clouds, local tests), the credentials the bot
 * uses for its own outbound token, connector calls bounded in time, the channel's signing keys
 * fetched the careful way, and the inbound authentication the front door runs.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ConfigurationBotFrameworkAuthentication, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type InvokeResponse, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, MsalServiceClientCredentialsFactory, type AuthenticateRequestResult, type ConnectorClientOptions, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from 'pino';
import type { AppConfig, BotFrameworkSettings } from '../config';
import { ChannelSigningKeys, useChannelKeysFor } from './channelKeys';
import { InboundAuthentication } from './inboundAuthentication';

/** Per attempt, and for a whole connector call with the SDK's retries. */
export const CONNECTOR_ATTEMPT_TIMEOUT_MS = 5000;
export const CONNECTOR_CALL_TIMEOUT_MS = 8000;

/** The Teams AI adapter, running turns for requests the front door has already authenticated. */
export class FrontDoorAdapter extends TeamsAdapter {
  runAuthenticated(authentication: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authentication, activity, logic);
  }
}

export interface BotFrameworkParts {
  adapter: FrontDoorAdapter;
  authentication: InboundAuthentication;
}

export function createBotFrameworkParts(config: AppConfig, logger: Logger): BotFrameworkParts {
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
  const connectorOptions = boundedConnectorCalls();
  const adapter = new FrontDoorAdapter(settings, credentialsFactory, undefined, connectorOptions);
  const botFramework = new ConfigurationBotFrameworkAuthentication(settings, credentialsFactory, undefined, undefined, connectorOptions);
  if (config.botFramework) {
    logger.info({ botFrameworkSettings: config.botFramework }, `botbuilder authentication settings from the environment: ${Object.keys(config.botFramework).join(', ')}`);
  }
  if (!bot) return { adapter, authentication: new InboundAuthentication(botFramework, undefined) };
  const metadataUrl = settings.ToBotFromChannelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  useChannelKeysFor(metadataUrl, new ChannelSigningKeys(metadataUrl, logger));
  return { adapter, authentication: new InboundAuthentication(botFramework, settings.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer) };
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

/** Connector calls give up promptly on a dead serviceUrl instead of holding the turn. */
function boundedConnectorCalls(): ConnectorClientOptions {
  return {
    requestPolicyFactories: [
      {
        create: (next) => ({
          sendRequest: (request) => {
            request.timeout = CONNECTOR_ATTEMPT_TIMEOUT_MS;
            const total = AbortSignal.timeout(CONNECTOR_CALL_TIMEOUT_MS);
            request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal as AbortSignal, total]) : total;
            return next.sendRequest(request);
          },
        }),
      },
    ],
  };
}
