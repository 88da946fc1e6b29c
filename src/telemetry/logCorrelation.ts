/**
 * pino ↔ OpenTelemetry: each JSON log line gains the current trace and span ids, and lines at the
 * export level and above (warn by default) are also emitted as OpenTelemetry log records, so
 * Application Insights shows the bot's problems inside the request they belong to. The record is built
 * from the line pino has already serialised, so redaction applies to both.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { SeverityNumber, type AnyValueMap, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { LogLevel } from '../settings/values';

export interface LogHooks {
  mixin(): Record<string, string>;
  streamWrite?(line: string): string;
}

/** pino's numeric levels → OpenTelemetry severities. */
const SEVERITIES: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, 'TRACE'],
  20: [SeverityNumber.DEBUG, 'DEBUG'],
  30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'],
  50: [SeverityNumber.ERROR, 'ERROR'],
  60: [SeverityNumber.FATAL, 'FATAL'],
};
/** Fields that are the record's own (level, time, message, ids) or already in the resource. */
const NOT_ATTRIBUTES = new Set(['level', 'time', 'msg', 'traceId', 'spanId', 'service', 'instance', 'pid']);

function traceIds(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}

/** pino's level numbers by name. */
const LEVEL_NUMBERS: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
/** Every line starts `{"level":NN,`: the level is read without parsing lines that are not exported. */
const LEVEL_PREFIX = '{"level":';

export function logHooks(exportTo?: OtelLogger, exportLevel: LogLevel = 'warn'): LogHooks {
  const minimum = LEVEL_NUMBERS[exportLevel];
  if (!exportTo || minimum === Infinity) return { mixin: traceIds };
  return {
    mixin: traceIds,
    streamWrite(line: string): string {
      if (line.startsWith(LEVEL_PREFIX) && Number(line.slice(LEVEL_PREFIX.length, LEVEL_PREFIX.length + 2)) < minimum) return line;
      try {
        const fields = JSON.parse(line) as Record<string, unknown>;
        const [severityNumber, severityText] = SEVERITIES[Number(fields.level)] ?? [SeverityNumber.INFO, 'INFO'];
        const attributes: AnyValueMap = {};
        for (const [key, value] of Object.entries(fields)) if (!NOT_ATTRIBUTES.has(key)) attributes[key] = value as AnyValueMap[string];
        // Emitted synchronously inside the logging call: the active span is the line's own.
        exportTo.emit({ severityNumber, severityText, body: typeof fields.msg === 'string' ? fields.msg : '', attributes, ...(typeof fields.time === 'number' ? { timestamp: fields.time } : {}) });
      } catch {
        // A line that is not JSON stays a line; it is just not exported.
      }
      return line;
    },
  };
}
