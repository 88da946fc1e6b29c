/**
 * The one way errors reach the logs: a plain object pino writes as part of one JSON line. Name,
 * message, code/status and the cause chain; the stack only for bugs (errors nobody anticipated),
 * and never a raw multi-line print. Messages are capped: some libraries echo their input.
 */
import { logSafeText } from './content/logSafe';

const MAX_MESSAGE = 500;
const MAX_CAUSES = 4;

export interface ErrorForLog {
  name: string;
  message: string;
  code?: string | number;
  status?: number;
  requestId?: string;
  stack?: string;
  cause?: ErrorForLog;
}

export function errorForLog(error: unknown, options: { stack?: boolean } = {}, depth = 0): ErrorForLog {
  if (!(error instanceof Error)) return { name: typeof error, message: logSafeText(safeString(error), MAX_MESSAGE) };
  const details = error as Error & { code?: unknown; statusCode?: unknown; status?: unknown; $metadata?: { requestId?: unknown; httpStatusCode?: unknown } };
  const status = numberOf(details.statusCode) ?? numberOf(details.status) ?? numberOf(details.$metadata?.httpStatusCode);
  const code = typeof details.code === 'string' || typeof details.code === 'number' ? details.code : undefined;
  const requestId = typeof details.$metadata?.requestId === 'string' ? details.$metadata.requestId : undefined;
  return {
    name: error.name,
    // Messages can carry Q's text (an exception frame's body) or a token: one clean line, credentials redacted.
    message: logSafeText(error.message, MAX_MESSAGE),
    ...(code !== undefined ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(requestId ? { requestId } : {}),
    ...(options.stack && error.stack ? { stack: error.stack } : {}),
    ...(error.cause !== undefined && depth < MAX_CAUSES ? { cause: errorForLog(error.cause, options, depth + 1) } : {}),
  };
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

