/**
 * A relay in front of Azurite that sorts every request the bots make to Blob Storage by what it
 * is on the wire — read, write, conditional write (If-Match / If-None-Match), delete, conditional
 * delete, list, container call — so the state bench counts storage operations instead of guessing.
 * The vote outbox's timer polls are counted apart, and so are new TCP connections (keep-alive).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const KINDS = ['read', 'write', 'conditionalWrite', 'delete', 'conditionalDelete', 'list', 'container', 'other'] as const;
export type Kind = (typeof KINDS)[number];
type Tallies = Record<Kind, number> & { total: number; lostRaces: number; notFound: number };
/** Also by record kind: the second part of the state key (`qteams/<kind>/…`), e.g. answer, conversation, identity. */
export type Counts = Tallies & { records: Record<string, number> };

export function noCounts(): Counts {
  return { read: 0, write: 0, conditionalWrite: 0, delete: 0, conditionalDelete: 0, list: 0, container: 0, other: 0, total: 0, lostRaces: 0, notFound: 0, records: {} };
}

export function difference(after: Counts, before: Counts): Counts {
  const result = noCounts();
  for (const key of [...KINDS, 'total', 'lostRaces', 'notFound'] as const) result[key] = after[key] - before[key];
  for (const [record, count] of Object.entries(after.records)) {
    const delta = count - (before.records[record] ?? 0);
    if (delta) result.records[record] = delta;
  }
  return result;
}

/** The record kind a request addresses: blob names are the URI-encoded state key, URL-encoded once more on the wire. */
export function recordOf(url: string): string {
  const blob = new URL(url, 'http://relay').pathname.split('/')[3];
  if (!blob) return '(container)';
  const key = decodeURIComponent(decodeURIComponent(blob));
  return key.split('/')[1] ?? key;
}

export function kindOf(method: string, url: string, headers: http.IncomingHttpHeaders): Kind {
  const query = new URL(url, 'http://relay').searchParams;
  const conditional = Boolean(headers['if-match'] || headers['if-none-match']);
  if (query.get('comp') === 'list') return 'list';
  if (query.get('restype') === 'container') return 'container';
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'PUT') return conditional ? 'conditionalWrite' : 'write';
  if (method === 'DELETE') return conditional ? 'conditionalDelete' : 'delete';
  return 'other';
}

export interface BlobTraffic {
  port: number;
  /** Requests from answering, voting and signing in. */
  counts(): Counts;
  /** The vote outbox's polls of its shards (they run on a timer, whatever the traffic). */
  outbox(): Counts;
  connections(): number;
  /** Resolves once no request is in flight and none arrived for `quietMs`. */
  settled(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBlobTraffic(targetPort: number): Promise<BlobTraffic> {
  const counts = noCounts();
  const outbox = noCounts();
  let connections = 0;
  let inFlight = 0;
  let lastArrival = Date.now();
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((incoming, outgoing) => {
    const url = incoming.url ?? '';
    const kind = kindOf(incoming.method ?? '', url, incoming.headers);
    const tally = url.includes('vote-outbox') ? outbox : counts;
    tally[kind] += 1;
    tally.total += 1;
    const record = recordOf(url);
    tally.records[record] = (tally.records[record] ?? 0) + 1;
    inFlight += 1;
    lastArrival = Date.now();
    const done = (): void => {
      inFlight -= 1;
    };
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: incoming.method, path: url, headers: incoming.headers, agent }, (response) => {
      const status = response.statusCode ?? 502;
      if (status === 412 || status === 409) tally.lostRaces += 1;
      if (status === 404) tally.notFound += 1;
      outgoing.writeHead(status, response.headers);
      response.pipe(outgoing);
      response.on('end', done);
    });
    upstream.on('error', () => {
      done();
      outgoing.destroy();
    });
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    connections += 1;
    // Nagle plus delayed ACK would add ~40 ms per relayed request.
    socket.setNoDelay(true);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    counts: () => ({ ...counts, records: { ...counts.records } }),
    outbox: () => ({ ...outbox, records: { ...outbox.records } }),
    connections: () => connections,
    settled: async (quietMs = 150) => {
      while (inFlight > 0 || Date.now() - lastArrival < quietMs) await new Promise((resolve) => setTimeout(resolve, 25));
    },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
