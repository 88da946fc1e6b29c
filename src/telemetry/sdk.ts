/**
 * Starts OpenTelemetry when configured: traces, metrics and logs to Azure Monitor (Application
 * Insights) and/or an OTLP/HTTP collector. Off (no configuration), nothing is loaded or registered.
 * The SDK is loaded on demand so an unconfigured bot neither pays its start-up time nor its memory.
 * Standard OTEL_* settings (sampler, resource attributes, OTLP headers, batch sizes) are read by
 * the SDK itself; see TelemetryConfig in src/config.ts.
 */
import { context, diag, DiagLogLevel, metrics, propagation, trace } from '@opentelemetry/api';
import { logs, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { TelemetryConfig } from './settings';
import { INSTRUMENTATION_NAME } from './spans';
import { telemetry } from './signals';

export interface RunningTelemetry {
  /** Exported log records (absent: logs only go to stdout). */
  logExport?: OtelLogger;
  /** Where the SDK's own warnings go once the bot's logger exists. */
  reportProblemsTo(warn: (message: string) => void): void;
  /** Exports what is buffered and stops; bounded so a shutdown never hangs on an unreachable collector. */
  shutdown(): Promise<void>;
}

const DEFAULT_SERVICE_NAME = 'q-teams-bot';
const SHUTDOWN_TIMEOUT_MS = 5000;
const LOG_EXPORT_DELAY_MS = 5000;

export async function startTelemetry(config: TelemetryConfig, instance: string): Promise<RunningTelemetry> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, resources, tracing, metricsSdk, logsSdk] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/sdk-logs'),
  ]);
  const exporters = await createExporters(config);
  // Later wins: our defaults, then OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME, 'service.instance.id': instance }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));

  // Without an Application Insights sampler, the SDK reads OTEL_TRACES_SAMPLER / _ARG itself.
  const sampler = config.azureSampler ? await azureMonitorSampler(config.azureSampler) : undefined;
  const tracerProvider = new tracing.BasicTracerProvider({
    resource,
    ...(sampler ? { sampler } : {}),
    spanProcessors: exporters.spans.map((exporter) => new tracing.BatchSpanProcessor(exporter)),
  });
  const meterProvider = new metricsSdk.MeterProvider({
    resource,
    readers: exporters.metrics.map((exporter) => new metricsSdk.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: config.metricExportIntervalMs })),
  });
  // Log records go out every 5 s like spans (the SDK's default is every second): fewer HTTPS posts.
  const loggerProvider = new logsSdk.LoggerProvider({
    resource,
    processors: exporters.logs.map((exporter) => new logsSdk.BatchLogRecordProcessor(exporter, { scheduledDelayMillis: LOG_EXPORT_DELAY_MS })),
  });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  telemetry.bind(meterProvider.getMeter(INSTRUMENTATION_NAME));

  let stopping: Promise<void> | undefined;
  return {
    logExport: loggerProvider.getLogger(INSTRUMENTATION_NAME),
    reportProblemsTo(warn) {
      diag.setLogger(
        { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
        { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
      );
    },
    shutdown() {
      stopping ??= (async () => {
        telemetry.unbind();
        const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
        await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref())]);
        trace.disable();
        metrics.disable();
        logs.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      })();
      return stopping;
    },
  };
}

async function azureMonitorSampler(choice: NonNullable<TelemetryConfig['azureSampler']>): Promise<import('@opentelemetry/sdk-trace-base').Sampler> {
  const { ApplicationInsightsSampler, RateLimitedSampler } = await import('@azure/monitor-opentelemetry-exporter');
  return choice.kind === 'rateLimited' ? new RateLimitedSampler(choice.tracesPerSecond) : new ApplicationInsightsSampler(choice.ratio);
}

interface Exporters {
  spans: Array<import('@opentelemetry/sdk-trace-base').SpanExporter>;
  metrics: Array<import('@opentelemetry/sdk-metrics').PushMetricExporter>;
  logs: Array<import('@opentelemetry/sdk-logs').LogRecordExporter>;
}

async function createExporters(config: TelemetryConfig): Promise<Exporters> {
  const exporters: Exporters = { spans: [], metrics: [], logs: [] };
  if (config.azureMonitorConnectionString) {
    const azure = await import('@azure/monitor-opentelemetry-exporter');
    const options = { connectionString: config.azureMonitorConnectionString };
    exporters.spans.push(new azure.AzureMonitorTraceExporter(options));
    exporters.metrics.push(new azure.AzureMonitorMetricExporter(options));
    exporters.logs.push(new azure.AzureMonitorLogExporter(options));
  }
  if (config.otlp) {
    // Endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables.
    if (config.otlp.protocol === 'http/json') {
      const [traceExporter, metricExporter, logExporter] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/exporter-metrics-otlp-http'),
        import('@opentelemetry/exporter-logs-otlp-http'),
      ]);
      exporters.spans.push(new traceExporter.OTLPTraceExporter());
      exporters.metrics.push(new metricExporter.OTLPMetricExporter());
      exporters.logs.push(new logExporter.OTLPLogExporter());
    } else {
      const [traceExporter, metricExporter, logExporter] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-proto'),
        import('@opentelemetry/exporter-metrics-otlp-proto'),
        import('@opentelemetry/exporter-logs-otlp-proto'),
      ]);
      exporters.spans.push(new traceExporter.OTLPTraceExporter());
      exporters.metrics.push(new metricExporter.OTLPMetricExporter());
      exporters.logs.push(new logExporter.OTLPLogExporter());
    }
  }
  return exporters;
}
