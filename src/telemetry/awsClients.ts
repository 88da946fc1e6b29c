/**
 * AWS SDK v3 clients (Q Business, Identity Center OIDC, STS) traced through their own middleware
 * stacks: one client span per command (retries inside it) carrying the AWS request id, HTTP status
 * and error name; Q Business calls also feed the Q latency histogram and the throttling counter.
 * Request and response bodies (questions, answers, tokens, credentials) are never read.
 */
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { botTracer, markFailed } from './spans';
import type { QClientProvider } from '../qbusiness/qbusinessClients';
import { telemetry } from './signals';

/** Any AWS SDK v3 client: all of them expose their middleware stack. */
export interface MiddlewareStackHolder {
  middlewareStack: object;
}
/** The overload of `middlewareStack.add` used here (the SDK's own types are per step). */
interface LooseMiddlewareStack {
  add(middleware: unknown, options: { step: 'initialize' | 'deserialize'; name: string; priority: 'high'; override: boolean }): void;
}

interface CommandContext {
  clientName?: string;
  commandName?: string;
  [SPAN]?: Span;
}
interface SdkMetadata {
  requestId?: string;
  httpStatusCode?: number;
  attempts?: number;
}
interface HttpRequestLike {
  method?: string;
  hostname?: string;
  port?: number;
}
type Handler = (args: { request?: unknown; input?: unknown }) => Promise<{ output?: { $metadata?: SdkMetadata }; response?: unknown }>;

const SPAN = Symbol('qteams.span');
const Q_SERVICE = 'QBusiness';
const instrumented = new WeakSet<object>();

function names(commandContext: CommandContext): { service: string; operation: string } {
  return { service: (commandContext.clientName ?? 'AWS').replace(/Client$/, ''), operation: (commandContext.commandName ?? 'Command').replace(/Command$/, '') };
}

function metadataAttributes(metadata: SdkMetadata | undefined): Record<string, string | number> {
  const attributes: Record<string, string | number> = {};
  if (metadata?.requestId) attributes['aws.request_id'] = metadata.requestId;
  if (metadata?.httpStatusCode) attributes['http.response.status_code'] = metadata.httpStatusCode;
  if (metadata?.attempts) attributes['aws.attempts'] = metadata.attempts;
  return attributes;
}

/** One span around the whole command (serialisation, retries, signing, deserialisation). */
const commandSpan = (next: Handler, commandContext: CommandContext): Handler => async (args) => {
  const { service, operation } = names(commandContext);
  const span = botTracer().startSpan(`${service}.${operation}`, { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation } });
  commandContext[SPAN] = span;
  const started = performance.now();
  let outcome = 'ok';
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () => next(args));
    span.setAttributes(metadataAttributes(result.output?.$metadata));
    return result;
  } catch (error) {
    outcome = (error as { name?: string }).name ?? 'Error';
    span.setAttributes(metadataAttributes((error as { $metadata?: SdkMetadata }).$metadata));
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
    if (service === Q_SERVICE) telemetry.qDuration.record(performance.now() - started, { operation, outcome });
  }
};

/** Every attempt: where the request went, and whether Q throttled it (the SDK may retry and succeed). */
const attemptObserver = (next: Handler, commandContext: CommandContext): Handler => async (args) => {
  const request = args.request as HttpRequestLike | undefined;
  const span = commandContext[SPAN];
  if (span && request?.hostname) {
    // No URL: paths carry conversation and message ids. Without one, Application Insights keeps
    // the span's name ("QBusiness.ChatSync") and shows the host as the dependency's target.
    span.setAttributes({ 'http.request.method': request.method ?? 'POST', 'server.address': request.hostname, ...(request.port ? { 'server.port': request.port } : {}) });
  }
  try {
    return await next(args);
  } catch (error) {
    const { service, operation } = names(commandContext);
    const status = (error as { $metadata?: SdkMetadata }).$metadata?.httpStatusCode;
    if (service === Q_SERVICE && ((error as { name?: string }).name === 'ThrottlingException' || status === 429)) telemetry.qThrottled.add(1, { operation });
    throw error;
  }
};

/** Adds the telemetry middleware to an SDK client, once. */
export function traceAwsClient<C extends MiddlewareStackHolder>(client: C): C {
  if (instrumented.has(client)) return client;
  instrumented.add(client);
  const stack = client.middlewareStack as LooseMiddlewareStack;
  stack.add(commandSpan, { step: 'initialize', name: 'qteamsTelemetrySpan', priority: 'high', override: true });
  stack.add(attemptObserver, { step: 'deserialize', name: 'qteamsTelemetryAttempt', priority: 'high', override: true });
  return client;
}

/** Q Business clients as the provider hands them out, each traced once. */
export function tracedQClients(provider: QClientProvider): QClientProvider {
  return {
    clientFor: async (user) => traceAwsClient(await provider.clientFor(user)),
    credentialsRejected: (user) => provider.credentialsRejected(user),
    destroy: () => provider.destroy(),
  };
}
