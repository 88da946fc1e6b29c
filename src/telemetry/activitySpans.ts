/**
 * The HTTP side of telemetry: one server span per Teams activity posted to /api/messages, and a
 * count of 5xx responses on any route. Only the activity's id, type, name, channel and
 * conversation type are recorded; its text and the caller's identity never are.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Request, Response, Server } from 'restify';
import { botTracer } from './spans';
import { telemetry } from './signals';

interface ActivityHeader {
  id?: unknown;
  type?: unknown;
  name?: unknown;
  channelId?: unknown;
  conversation?: { conversationType?: unknown };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value.slice(0, 128) : undefined;
}

function activityAttributes(activity: ActivityHeader): Attributes {
  const attributes: Attributes = { 'http.request.method': 'POST', 'qteams.route': '/api/messages' };
  const entries: Array<[string, string | undefined]> = [
    ['teams.activity.id', text(activity.id)],
    ['teams.activity.type', text(activity.type)],
    ['teams.activity.name', text(activity.name)],
    ['teams.channel.id', text(activity.channelId)],
    ['teams.conversation.type', text(activity.conversation?.conversationType)],
  ];
  for (const [key, value] of entries) if (value) attributes[key] = value;
  return attributes;
}

/** "teams message", "teams invoke adaptiveCard/action": what Application Insights lists as the request name. */
function spanName(activity: ActivityHeader): string {
  const type = text(activity.type) ?? 'unknown';
  const name = type === 'invoke' || type === 'event' ? text(activity.name) : undefined;
  return name ? `teams ${type} ${name}` : `teams ${type}`;
}

/**
 * Wraps the /api/messages handler; with telemetry off it is the handler itself. The body is read
 * (and the caller authenticated) inside the handler, so the span starts with the route alone and
 * `describeActivity` names it once the activity is known.
 */
export function traceActivities(handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    if (!telemetry.enabled) return handler(req, res);
    const span = botTracer().startSpan('teams activity', { kind: SpanKind.SERVER, attributes: activityAttributes({}) }, context.active());
    try {
      await context.with(trace.setSpan(context.active(), span), () => handler(req, res));
    } finally {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}

/** Names the current server span after the activity it carries (its id, type, channel and conversation type only). */
export function describeActivity(activity: ActivityHeader): void {
  if (!telemetry.enabled) return;
  const span = trace.getActiveSpan();
  span?.setAttributes(activityAttributes(activity));
  span?.updateName(spanName(activity));
}

/** Counts 5xx answers on every route, whatever produced them (handlers, restify itself). */
export function countServerErrors(server: Server): void {
  if (!telemetry.enabled) return;
  server.on('after', (req: Request, res: Response) => {
    if (res.statusCode >= 500) telemetry.serverErrors.add(1, { 'http.response.status_code': res.statusCode, 'http.route': req.getRoute()?.path?.toString() ?? 'unmatched' });
  });
}
