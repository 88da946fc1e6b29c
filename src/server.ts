/**
 * HTTP surface: POST /api/messages (Bot Framework), GET /healthz, and with per-user sign-in the
 * fallback sign-in pages (/auth-start.html, /auth-end.html) and their public settings (/auth/config).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as restify from 'restify';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import { activityProblems } from './bot/inboundActivity';
import { countServerErrors, traceActivities } from './telemetry';

/** What the sign-in pages may know: public identifiers only, never a secret. */
export interface AuthPageSettings {
  clientId: string;
  tenantId: string;
  authorityHost: string;
  scope: string;
}

const PUBLIC_FOLDER = join(__dirname, '../../public');

export function createHttpServer(adapter: TeamsAdapter, app: Application<TurnState>, logger: Logger, authPages?: AuthPageSettings): restify.Server {
  const server = restify.createServer({ name: 'amazon-q-teams-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  countServerErrors(server);

  server.post('/api/messages', traceActivities(async (req, res) => {
    const problems = activityProblems(req.body);
    if (problems.length > 0) {
      logger.warn({ problems }, 'malformed activity refused');
      res.send(400, { error: 'Malformed activity', problems });
      return;
    }
    try {
      await adapter.process(req, res, async (context) => {
        await app.run(context);
      });
    } catch (error) {
      // botbuilder answers malformed or unauthenticated requests itself; this is the last resort.
      logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'request failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    }
  }));

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  if (authPages) {
    for (const page of ['auth-start.html', 'auth-end.html']) {
      // Read once at start-up: no file I/O on requests.
      const html = readFileSync(join(PUBLIC_FOLDER, page));
      server.get(`/${page}`, (_req, res, next) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return next();
      });
    }
    server.get('/auth/config', (_req, res, next) => {
      res.send(200, authPages);
      return next();
    });
  }
  return server;
}
