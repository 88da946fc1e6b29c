/**
 * pino ↔ OpenTelemetry: each JSON log line gains the current trace and span ids, and (when a log
 * exporter is configured) each line written is also emitted as an OpenTelemetry log record, so
 * Application Insights shows the bot's logs inside the request they belong to. The record is built
 * from the line pino has already serialised, so redaction applies to both.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { SeverityNumber, type AnyValueMap, type Logger as OtelLogger } from '@opentelemetry/api-logs';

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

export function logHooks(exportTo?: OtelLogger): LogHooks {
  if (!exportTo) return { mixin: traceIds };
  return {
    mixin: traceIds,
    streamWrite(line: string): string {
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
