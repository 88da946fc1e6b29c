/**
 * Reads a request body as JSON without trusting anything about it: size capped before and after
 * decompression, only JSON, only encodings it can decode, and every failure an answer (400, 413,
 * 415) instead of an exception. (restify's body parser let a bad gzip body end the process.)
 */
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export type BodyOutcome = { json: unknown } | { refused: { status: 400 | 413 | 415; reason: string } };

const DECODERS: Record<string, (input: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') return { refused: { status: 415, reason: 'the body must be application/json' } };
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decode = encoding === 'identity' ? undefined : DECODERS[encoding];
  if (encoding !== 'identity' && !decode) return { refused: { status: 415, reason: 'unsupported Content-Encoding' } };
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return { refused: { status: 413, reason: `the body is larger than ${maxBytes} bytes` } };

  const raw = await readCapped(req, maxBytes);
  if (raw === 'tooLarge') return { refused: { status: 413, reason: `the body is larger than ${maxBytes} bytes` } };
  if (raw === 'failed') return { refused: { status: 400, reason: 'the body could not be read' } };
  let text: Buffer = raw;
  if (decode) {
    try {
      text = decode(raw, { maxOutputLength: maxBytes });
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
      return { refused: tooLarge ? { status: 413, reason: `the decompressed body is larger than ${maxBytes} bytes` } : { status: 400, reason: `the body is not valid ${encoding}` } };
    }
  }
  try {
    return { json: JSON.parse(text.toString('utf8')) as unknown };
  } catch {
    return { refused: { status: 400, reason: 'the body is not valid JSON' } };
  }
}

/** The whole body, or why not; stops reading (and lets the socket go) once it is too large. */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'tooLarge' | 'failed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | 'tooLarge' | 'failed'): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        settle('tooLarge');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle('failed'));
    req.on('aborted', () => settle('failed'));
  });
}
