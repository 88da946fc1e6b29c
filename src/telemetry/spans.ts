/**
 * Span helpers shared by the explicit instrumentation (no monkey-patching: the bot is bundled).
 * Errors are recorded by name and status only: messages can echo input.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

export const INSTRUMENTATION_NAME = 'q-teams-bot';

export function botTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_NAME);
}

/** Runs `work` inside a new client span, a child of whatever span is current. */
export async function inClientSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  const span = botTracer().startSpan(name, { kind: SpanKind.CLIENT, attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function markFailed(span: Span, error: unknown): void {
  const name = (error as { name?: unknown } | undefined)?.name;
  const errorType = typeof name === 'string' && name ? name : 'Error';
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}
