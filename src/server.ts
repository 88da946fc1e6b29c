/** HTTP surface: POST /api/messages (Bot Framework) and GET /healthz. */
import * as restify from 'restify';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Logger } from 'pino';
import { activityProblems } from './bot/inboundActivity';

export function createHttpServer(adapter: TeamsAdapter, app: Application<TurnState>, logger: Logger): restify.Server {
  const server = restify.createServer({ name: 'amazon-q-teams-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));

  server.post('/api/messages', async (req, res) => {
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
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  return server;
}
