/**
 * Structured JSON logs (pino). Messages never carry question or answer text or tokens; as a
 * second line of defence, fields that could hold secrets are redacted by name.
 */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './settings/values';
import type { LogHooks } from './telemetry';

export type { Logger };

/** Which process wrote a line (several instances, restarts) and, with telemetry on, its trace. */
export interface LogContext {
  instance?: string;
  /** Trace/span ids on each line, and log export (src/telemetry); absent: telemetry is off. */
  telemetry?: LogHooks;
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream, logContext: LogContext = {}): Logger {
  const hooks = logContext.telemetry;
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'q-teams-bot', pid: process.pid, ...(logContext.instance ? { instance: logContext.instance } : {}) },
    ...(hooks ? { mixin: hooks.mixin, ...(hooks.streamWrite ? { hooks: { streamWrite: hooks.streamWrite } } : {}) } : {}),
    redact: {
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization', 'assertion', '*.assertion', 'password', '*.password', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
