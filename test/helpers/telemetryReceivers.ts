/**
 * Local stand-ins for where telemetry goes: an Application Insights ingestion endpoint (HTTPS,
 * `POST /v2.1/track`, with a test CA made by the openssl CLI at test time) and an OTLP/HTTP JSON
 * collector (`/v1/traces`, `/v1/metrics`, `/v1/logs`). They keep every payload for the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One Application Insights envelope as the exporter sends it. */
export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, any> };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A CA and a certificate for 127.0.0.1 signed by it, in a temporary folder. */
function testCertificates(): { folder: string; caFile: string; key: Buffer; cert: Buffer } {
  const folder = mkdtempSync(join(tmpdir(), 'qteams-telemetry-ca-'));
  const file = (name: string) => join(folder, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=qteams test CA', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', file('server.ext'), '-out', file('server.crt'));
  return { folder, caFile: file('ca.crt'), key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) };
}

export interface ApplicationInsightsReceiver {
  /** For APPLICATIONINSIGHTS_CONNECTION_STRING. */
  connectionString: string;
  /** For NODE_EXTRA_CA_CERTS. */
  caFile: string;
  envelopes: Envelope[];
  /** Every request body as received, for scanning. */
  raw: string[];
  close(): Promise<void>;
}

export const TEST_INSTRUMENTATION_KEY = '00000000-0000-4000-8000-000000000001';

export async function startApplicationInsightsReceiver(): Promise<ApplicationInsightsReceiver> {
  const certificates = testCertificates();
  const envelopes: Envelope[] = [];
  const raw: string[] = [];
  const server = createHttpsServer({ key: certificates.key, cert: certificates.cert }, (req: IncomingMessage, res: ServerResponse) => {
    void bodyOf(req).then((body) => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v2.1/track')) {
        res.writeHead(404).end();
        return;
      }
      raw.push(body);
      const received = JSON.parse(body) as Envelope[];
      envelopes.push(...received);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }));
    });
  });
  const port = await listen(server);
  const endpoint = `https://127.0.0.1:${port}/`;
  return {
    connectionString: `InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=${endpoint};LiveEndpoint=${endpoint}`,
    caFile: certificates.caFile,
    envelopes,
    raw,
    close: async () => {
      await closeServer(server);
      rmSync(certificates.folder, { recursive: true, force: true });
    },
  };
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (with OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
  url: string;
  /** Parsed request bodies by signal path (/v1/traces, /v1/metrics, /v1/logs). */
  received: Record<string, any[]>;
  raw: string[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: Record<string, any[]> = { '/v1/traces': [], '/v1/metrics': [], '/v1/logs': [] };
  const raw: string[] = [];
  const server = createHttpServer((req, res) => {
    void bodyOf(req).then((body) => {
      const list = received[req.url ?? ''];
      if (req.method !== 'POST' || !list || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      raw.push(body);
      list.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, received, raw, close: () => closeServer(server) };
}
