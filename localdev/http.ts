/**
 * The front door of the local services: one port serving cleartext HTTP/2 (what the AWS SDK's
 * Q Business client uses) and HTTP/1.1 (the STS and SSO OIDC clients, fetch, curl). The first
 * bytes of each connection decide, since h2c has no upgrade fallback.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  respond(status: number, headers: Record<string, string>, body: string): void;
}

export function json(exchange: Exchange, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  exchange.respond(status, { 'content-type': 'application/json', ...headers }, payload === undefined ? '' : JSON.stringify(payload));
}

export interface FrontDoor {
  port: number;
  close(): Promise<void>;
}

/** A request whose body is a stream to read as it arrives (Q's Chat): return true to take it over. */
export type StreamingRoute = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => boolean;

export async function listen(port: number, host: string, route: (exchange: Exchange) => Promise<void>, streaming?: StreamingRoute): Promise<FrontDoor> {
  const handle = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
    if (streaming && req instanceof http2.Http2ServerRequest && streaming(req, res as http2.Http2ServerResponse)) return;
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
      route(exchange).catch((error: Error) => json(exchange, 500, { message: error.message }, { 'x-amzn-errortype': 'InternalServerException' }));
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
  await new Promise<void>((resolve) => front.listen(port, host, resolve));
  return {
    port: (front.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      h1.close();
      h2.close();
    },
  };
}
