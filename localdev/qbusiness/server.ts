/**
 * A local stand-in for Amazon Q Business that speaks its wire protocol (restJson1), so the real
 * `@aws-sdk/client-qbusiness` talks to it unmodified via AWS_ENDPOINT_URL_QBUSINESS.
 *
 * One port serves cleartext HTTP/2 (what the Node SDK uses) and HTTP/1.1 (curl, fetch): the
 * first bytes of each connection decide, since h2c has no upgrade fallback. Routes under
 * `/_local/` are the test and inspection API (recorded calls, fault injection).
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Knowledge } from './knowledge';
import { LocalQState } from './state';
import { handleControl, handleQ, type Exchange } from './routes';

export const LOCAL_APPLICATION_ID = '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';

export interface LocalQOptions {
  port?: number;
  host?: string;
  documentsFolder: string;
  applicationId?: string;
  /** Conversations older than this are forgotten, as Q eventually does. */
  conversationTtlMs?: number;
}

export interface LocalQService {
  url: string;
  applicationId: string;
  state: LocalQState;
  close(): Promise<void>;
}

export async function startLocalQBusiness(options: LocalQOptions): Promise<LocalQService> {
  const knowledge = Knowledge.fromFolder(options.documentsFolder);
  const state = new LocalQState();
  const applicationId = options.applicationId ?? LOCAL_APPLICATION_ID;
  const context = { knowledge, state, applicationId, conversationTtlMs: options.conversationTtlMs ?? 24 * 60 * 60 * 1000 };

  const handle = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const exchange: Exchange = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://localhost'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        respond: (status, headers, body) => {
          res.writeHead(status, headers);
          res.end(body);
        },
      };
      const route = exchange.url.pathname.startsWith('/_local/') ? handleControl : handleQ;
      route(exchange, context).catch((error: Error) => {
        exchange.respond(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' }, JSON.stringify({ message: error.message }));
      });
    });
  };

  const h1 = http.createServer(handle);
  const h2 = http2.createServer(handle);
  const sockets = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const head = socket.read() as Buffer | null;
      if (!head) return;
      socket.unshift(head);
      (head.subarray(0, 4).toString('latin1') === 'PRI ' ? h2 : h1).emit('connection', socket);
    });
  });
  await new Promise<void>((resolve) => front.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    applicationId,
    state,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      h1.close();
      h2.close();
    },
  };
}
