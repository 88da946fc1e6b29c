/**
 * Outgoing Bot Framework connector calls (replies, typing, card updates and deletes) as client
 * spans, through botbuilder's own send hooks: a middleware registers them on every turn,
 * proactive turns included. Only activity types and counts are recorded, never their content.
 */
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { inClientSpan } from '../telemetry/spans';

/** Activities the adapter handles itself instead of sending to the connector. */
const LOCAL_ONLY = new Set(['invokeResponse', 'delay', 'trace']);

function failureStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function host(serviceUrl: string | undefined): string | undefined {
  try {
    return serviceUrl ? new URL(serviceUrl).hostname : undefined;
  } catch {
    return undefined;
  }
}

async function traced<T>(context: TurnContext, name: string, method: string, activities: Array<Partial<Activity>>, send: () => Promise<T>): Promise<T> {
  const types = [...new Set(activities.map((activity) => activity.type ?? 'message'))].sort().join(',');
  const server = host(context.activity.serviceUrl);
  const attributes = { 'qteams.activity.types': types, 'qteams.activities': activities.length, 'http.request.method': method, ...(server ? { 'server.address': server } : {}) };
  return inClientSpan(name, attributes, async (span) => {
    try {
      return await send();
    } catch (error) {
      const status = failureStatus(error);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      throw error;
    }
  });
}

export const connectorSpans: Middleware = {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities((turn, activities, send) => {
      const outgoing = activities.filter((activity) => !LOCAL_ONLY.has(activity.type ?? ''));
      return outgoing.length === 0 ? send() : traced(turn, 'connector.send', 'POST', outgoing, send);
    });
    context.onUpdateActivity((turn, activity, update) => traced(turn, 'connector.update', 'PUT', [activity], update));
    context.onDeleteActivity((turn, _reference, remove) => traced(turn, 'connector.delete', 'DELETE', [{ type: 'delete' }], remove));
    await next();
  },
};
