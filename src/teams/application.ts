/**
 * The Teams AI library's Application, and our `FeatureRoutes` on top of it: the only place routes
 * meet the SDK. Features register through `routes` (src/features/<feature>/routes.ts) and never
 * see a TurnContext; each route gets our TeamsTurn (./turn).
 */
import { ActivityTypes, INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import type { AdaptiveCardJson } from '../cards/types';
import { errorForLog } from '../errors';
import type { FeatureRoutes } from '../features/routes';
import { teamsTurn } from './turn';

export type { TeamsAdapter };

export interface TeamsApplicationOptions {
  adapter: TeamsAdapter;
  logger: Logger;
  /** Set when the bot has its own identity: replies then go out proactively (Teams' 15 s window). */
  botAppId?: string;
}

export interface TeamsApplication {
  app: Application<TurnState>;
  routes: FeatureRoutes;
}

export function createTeamsApplication(options: TeamsApplicationOptions): TeamsApplication {
  const app = new Application<TurnState>({
    adapter: options.adapter,
    // No `storage`: the library would read and write conversation and user state on every
    // activity, and the bot keeps none there; everything it keeps is in the features' stores.
    removeRecipientMention: true,
    // Our own per-turn indicator (src/features/replies/typing): the library's timer is shared by all turns.
    startTypingTimer: false,
    longRunningMessages: Boolean(options.botAppId),
    ...(options.botAppId ? { botAppId: options.botAppId } : {}),
  });

  app.error(async (context, error) => {
    // A serviceUrl that refuses connections (src/frontDoor/botFramework.ts): the caller's problem, not a bug.
    const refused = (error as { kind?: unknown }).kind === 'serviceUrlRefused';
    if (refused) options.logger.warn({ activityId: context.activity.id, error: errorForLog(error) }, 'turn ended: its serviceUrl refused the connection, nothing could be sent');
    else options.logger.error({ activityId: context.activity.id, error: errorForLog(error, { stack: true }) }, 'turn failed');
    // When the connector itself failed (dead, refusing or slow serviceUrl), an apology would only fail again.
    const connectorFailed = refused || error.name === 'RestError' || error.name === 'AbortError';
    if (context.activity.type === ActivityTypes.Message && !connectorFailed) {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again.');
    }
  });

  const routes: FeatureRoutes = {
    beforeTurn: (handler) => app.turn('beforeTurn', (context) => handler(teamsTurn(context))),
    command: (commands, handler) => app.message(commandSelector(commands), (context) => handler(teamsTurn(context))),
    message: (handler) => app.activity(ActivityTypes.Message, (context) => handler(teamsTurn(context))),
    membersAdded: (handler) => app.conversationUpdate('membersAdded', (context) => handler(teamsTurn(context))),
    membersRemoved: (handler) => app.conversationUpdate('membersRemoved', (context) => handler(teamsTurn(context))),
    messageEdited: (handler) => app.messageEventUpdate('editMessage', (context) => handler(teamsTurn(context))),
    messageDeleted: (handler) => app.messageEventUpdate('softDeleteMessage', (context) => handler(teamsTurn(context))),
    invoke: (name, handler) => app.addRoute(invokeSelector(name), (context) => handler(teamsTurn(context)), true),
    // The invoke is answered with what the handler returns, for the person who clicked only, unless
    // the handler already answered. (Left to the library, a card with `refresh` would replace the
    // message for everyone: a private answer's asker view would reach the whole thread.)
    cardExecute: <T>(verbs: string | string[], handler: (turn: ReturnType<typeof teamsTurn>, data: T) => Promise<AdaptiveCardJson | string>) =>
      app.adaptiveCards.actionExecute<T & Record<string, unknown>>(verbs, async (context, _state, data) => {
        const result = await handler(teamsTurn(context), data);
        if (!context.turnState.get(INVOKE_RESPONSE_KEY)) {
          const body = typeof result === 'string' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result } : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result };
          await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
        }
        return result;
      }),
    cardSubmit: <T>(verbs: string | string[], handler: (turn: ReturnType<typeof teamsTurn>, data: T) => Promise<void>) =>
      app.adaptiveCards.actionSubmit<T & Record<string, unknown>>(verbs, (context, _state, data) => handler(teamsTurn(context), data)),
  };
  return { app, routes };
}

function invokeSelector(name: string) {
  return async (context: TurnContext): Promise<boolean> => context.activity.type === ActivityTypes.Invoke && context.activity.name === name;
}

function commandSelector(commands: string[]) {
  return async (context: TurnContext): Promise<boolean> =>
    context.activity.type === ActivityTypes.Message && commands.includes((context.activity.text ?? '').trim().toLowerCase());
}
