/**
 * HTTP surface: POST /api/messages (Bot Framework), GET /healthz, and with per-user sign-in the
 * fallback sign-in pages (/auth-start.html, /auth-end.html) and their public settings (/auth/config).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as restify from 'restify';
import type { FrontDoorAdapter } from './frontDoor/botFramework';
import type { Logger } from 'pino';
import { messagesEndpoint, type MessagesEndpointOptions } from './frontDoor/messagesEndpoint';
import type { Readiness } from './readiness';
import { countServerErrors, traceActivities } from './telemetry';

/** What the sign-in pages may know: public identifiers only, never a secret. */
export interface AuthPageSettings {
  clientId: string;
  tenantId: string;
  authorityHost: string;
  scope: string;
}

/** Who may call POST /api/messages, and with which serviceUrls and tenants. */
export type FrontDoorSettings = Pick<MessagesEndpointOptions, 'authentication' | 'allowedTenantIds' | 'allowLoopbackServiceUrl'>;

const PUBLIC_FOLDER = join(__dirname, '../../public');

export function createHttpServer(adapter: FrontDoorAdapter, app: MessagesEndpointOptions['app'], logger: Logger, authPages: AuthPageSettings | undefined, door: FrontDoorSettings): restify.Server {
  const server = restify.createServer({ name: 'amazon-q-teams-bot', handleUncaughtExceptions: false });
  // A request whose body never finishes must not hold a socket for Node's default five minutes.
  server.server.requestTimeout = 30_000;
  // No body parser: POST /api/messages reads its own body after checking the token's shape (./frontDoor).
  countServerErrors(server);
  server.post('/api/messages', traceActivities(messagesEndpoint({ adapter, app, logger, ...door })));

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

/** GET /readyz: 200 when every readiness check passes, else 503 naming the failing ones (src/readiness.ts). */
export function serveReadiness(server: restify.Server, readiness: Pick<Readiness, 'report'>): void {
  server.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness.report();
    res.header('cache-control', 'no-store');
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
  });
}
