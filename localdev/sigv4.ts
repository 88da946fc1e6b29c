/**
 * Checks AWS Signature Version 4 the way AWS does: recompute the signature of the request as
 * received (method, path, query, the signed headers, body) with the secret of the access key it
 * names, and compare. Uses the SDK's own signer, so the local services accept exactly what the
 * real services accept from the SDK.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Exchange } from './http';

type Bytes = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

class Sha256 {
  private readonly hash;
  constructor(secret?: Bytes) {
    this.hash = secret ? createHmac('sha256', toBuffer(secret)) : createHash('sha256');
  }
  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface SigningSecret {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The access key, Region and service named in the Authorization header, if it is SigV4. */
export function signatureScope(exchange: Exchange): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(exchange.headers.authorization ?? ''));
  return match ? { accessKeyId: match[1] as string, region: match[2] as string, service: match[3] as string } : undefined;
}

export async function signatureMatches(exchange: Exchange, secret: SigningSecret): Promise<boolean> {
  const authorization = String(exchange.headers.authorization ?? '');
  const scope = signatureScope(exchange);
  const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1]?.split(';');
  const amzDate = String(exchange.headers['x-amz-date'] ?? '');
  if (!scope || !signedHeaders || !/^\d{8}T\d{6}Z$/.test(amzDate)) return false;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(exchange.headers[name] ?? '');
  // HTTP/2 requests carry the host as :authority (and the SDK signs it under that name).
  const [hostname = '', port] = String(exchange.headers[':authority'] ?? exchange.headers.host ?? '').split(':');
  const signer = new SignatureV4({ service: scope.service, region: scope.region, credentials: secret, sha256: Sha256, uriEscapePath: true });
  const signed = await signer.sign(
    {
      method: exchange.method,
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: exchange.url.pathname,
      query: Object.fromEntries(exchange.url.searchParams),
      headers,
      body: exchange.body,
    },
    { signingDate: new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`) },
  );
  const expected = Buffer.from(String(signed.headers.authorization ?? ''));
  const received = Buffer.from(authorization);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * Event-stream frames (Chat's input) are signed in a chain: each frame's `:chunk-signature` signs
 * its `:date` and payload together with the previous signature, starting from the request's own
 * signature. Returns a checker that walks the chain frame by frame.
 */
export function eventChainVerifier(exchange: Exchange, secret: SigningSecret): (frame: { date: Date; payload: Uint8Array; signature: Uint8Array }) => Promise<boolean> {
  const scope = signatureScope(exchange);
  let prior = /Signature=([0-9a-f]+)/.exec(String(exchange.headers.authorization ?? ''))?.[1] ?? '';
  const signer = new SignatureV4({ service: scope?.service ?? '', region: scope?.region ?? '', credentials: secret, sha256: Sha256 });
  return async ({ date, payload, signature }) => {
    const signed = await signer.sign({ message: { headers: { ':date': { type: 'timestamp', value: date } }, body: payload }, priorSignature: prior }, { signingDate: date });
    const expected = Buffer.from(signed.signature, 'hex');
    const received = Buffer.from(signature);
    if (expected.length !== received.length || !timingSafeEqual(expected, received)) return false;
    prior = signed.signature;
    return true;
  };
}
