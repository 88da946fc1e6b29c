/**
 * POST /api/messages, in the order that keeps the door shut: the token's shape (before reading
 * the body), the body, authentication by botbuilder, then the activity's structure, its serviceUrl
 * and its tenant, and only then the bot. Each refusal is one log line with its reason and a short
 * answer that echoes nothing back; nothing refused reaches a handler, storage, AWS or the connector.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { activityProblems, serviceUrlProblem, tenantOf, withUsableLists } from './inboundActivity';
import { errorForLog } from '../errors';
import { describeActivity } from '../telemetry';
import type { FrontDoorAdapter } from './botFramework';
import type { InboundAuthentication } from './inboundAuthentication';
import { readJsonBody } from './requestBody';

export interface MessagesEndpointOptions {
  adapter: FrontDoorAdapter;
  /** Runs a turn (the Teams application, src/teams/application). */
  app: { run(context: TurnContext): Promise<boolean> };
  logger: Logger;
  authentication: InboundAuthentication;
  /** Absent: any tenant the channel authenticates. Lower-case tenant ids. */
  allowedTenantIds?: string[];
  /** Development only: http serviceUrls on loopback. */
  allowLoopbackServiceUrl: boolean;
  maxBodyBytes?: number;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 503: 'Service Unavailable' };
/** Invokes whose callers need a body in the answer; an empty 200 would leave them broken. */
const INVOKES_NEEDING_A_BODY = /^(adaptiveCard\/action|composeExtension\/|task\/|config\/|tab\/|application\/search)/;

export function messagesEndpoint(options: MessagesEndpointOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { logger, authentication } = options;
  const refuse = (res: ServerResponse, status: number, reason: string, details: Record<string, unknown> = {}): void => {
    logger.warn({ event: 'requestRefused', status, reason, ...details }, 'request refused');
    reply(res, status, { error: STATUS_TEXT[status] ?? 'Refused', ...(status === 400 ? { reason } : {}) }, status === 503 ? { 'retry-after': '30' } : {});
  };

  return async (req, res) => {
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const screened = authentication.screen(authorization);
    if (screened) return refuse(res, 401, screened);

    const body = await readJsonBody(req, options.maxBodyBytes ?? 1024 * 1024);
    if ('refused' in body) return refuse(res, body.refused.status, body.refused.reason);
    const candidate = isRecord(body.json) ? body.json : {};

    const authenticated = await authentication.authenticate(authorization, candidate as unknown as Activity);
    if ('refused' in authenticated) {
      const { status, reason, cause } = authenticated.refused;
      return refuse(res, status, reason, cause ? { error: errorForLog(cause, { stack: true }) } : {});
    }

    const problems = activityProblems(body.json);
    if (problems.length > 0) return refuse(res, 400, `malformed activity: ${problems.join('; ')}`);
    const serviceUrl = serviceUrlProblem(candidate.serviceUrl as string, options.allowLoopbackServiceUrl);
    if (serviceUrl) return refuse(res, 400, serviceUrl);
    if (options.allowedTenantIds) {
      const tenant = tenantOf(candidate);
      if (!tenant || !options.allowedTenantIds.includes(tenant)) return refuse(res, 403, tenant ? 'the activity comes from a tenant this bot does not serve' : 'the activity names no tenant', { tenantId: tenant });
    }

    const activity = withUsableLists(candidate) as unknown as Activity;
    describeActivity(activity);
    try {
      const response = await options.adapter.runAuthenticated(authenticated.accepted, activity, async (context) => {
        await options.app.run(context);
      });
      if (activity.type === 'invoke' && (!response || response.status === 501)) {
        const needsBody = INVOKES_NEEDING_A_BODY.test(activity.name ?? '');
        logger.info({ event: 'invokeNotHandled', invoke: activity.name?.slice(0, 80), status: needsBody ? 400 : 200 }, 'invoke this bot does not handle');
        return needsBody ? reply(res, 400, { error: 'Bad Request', reason: 'this bot does not handle that invoke' }) : reply(res, 200, undefined);
      }
      reply(res, response?.status ?? 200, response?.body);
    } catch (error) {
      // Turn errors are handled inside the turn; this is a bug or an outbound failure before it.
      logger.error({ event: 'turnFailed', activityId: activity.id, error: errorForLog(error, { stack: true }) }, 'activity could not be processed');
      reply(res, 200, undefined);
    }
  };
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
