/**
 * Where telemetry goes. The OpenTelemetry SDK and exporters read the other standard settings
 * themselves (sampler, resource attributes, OTLP headers and per-signal endpoints, batch limits):
 * `otelEnvironment` lists those present so start-up can report them.
 */
import { defineSettings, type NamesOf } from '../settings/definition';
import type { SettingsReader } from '../settings/reader';
import { LOG_LEVELS, type LogLevel } from '../settings/values';

export interface TelemetryConfig {
  /** Application Insights connection string (APPLICATIONINSIGHTS_CONNECTION_STRING). */
  azureMonitorConnectionString?: string;
  /** An OTLP/HTTP collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT or a per-signal endpoint). */
  otlp?: { protocol: 'http/protobuf' | 'http/json' };
  metricExportIntervalMs: number;
  /** Log lines at this level and above are also exported as log records (stdout gets every line). */
  logExportLevel: LogLevel;
  /**
   * Application Insights' own samplers (names as in the Azure Monitor distro): traces per second,
   * or a fixed share of traces; both record the sample rate so Application Insights scales counts.
   * Absent: the SDK's sampler from OTEL_TRACES_SAMPLER (default parent-based always-on).
   */
  azureSampler?: { kind: 'rateLimited'; tracesPerSecond: number } | { kind: 'fixedPercentage'; ratio: number };
  otelEnvironment: Record<string, string>;
}

const OTLP_ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] as const;

export const TELEMETRY_SETTINGS = defineSettings([
  { names: ['APPLICATIONINSIGHTS_CONNECTION_STRING'], required: 'no', meaning: 'turns telemetry on, exported to Application Insights (see [Telemetry](#telemetry))' },
  {
    names: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    required: 'no',
    meaning: 'turns telemetry on, exported to this OTLP/HTTP collector (e.g. `http://collector:4318`); per-signal `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT` also work',
  },
  { names: ['OTEL_EXPORTER_OTLP_PROTOCOL'], required: 'no (`http/protobuf`)', meaning: 'or `http/json` (gRPC is not included)' },
  {
    names: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'],
    required: 'no',
    meaning: 'per-signal OTLP/HTTP endpoints; any one of them turns telemetry on',
  },
  {
    names: ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    required: 'no',
    meaning: 'headers sent with every OTLP request (e.g. a collector\'s API key; the start-up line says only "(set)") and its timeout, read by the OTLP exporters',
  },
  {
    names: ['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_MAX_QUEUE_SIZE'],
    required: "no (the SDK's defaults)",
    meaning: "the span batch processor's export delay and queue size, read by the OpenTelemetry SDK",
  },
  {
    names: ['OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'],
    required: 'no',
    meaning: 'standard samplers, or `microsoft.rate_limited` (traces/s) / `microsoft.fixed_percentage` (0–1); with Application Insights the default is 5 traces/s',
  },
  {
    names: ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES'],
    required: 'no (`q-teams-bot`)',
    meaning: "the service name (Application Insights' cloud role) and extra resource attributes",
  },
  { names: ['OTEL_METRIC_EXPORT_INTERVAL'], required: 'no (60000)', meaning: 'metric export interval, ms' },
  {
    names: ['TELEMETRY_LOG_LEVEL'],
    required: 'no (`warn`)',
    meaning: 'log lines at this level and above are also exported as log records (`silent`: none); stdout always gets every line',
  },
  { names: ['OTEL_SDK_DISABLED'], required: 'no', meaning: '`true`: telemetry off whatever else is set' },
]);

type Name = NamesOf<typeof TELEMETRY_SETTINGS>;

/** The standard OTEL_* settings the SDK reads itself, reported at start-up. */
const REPORTED: readonly Name[] = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  ...OTLP_ENDPOINT_VARIABLES,
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_MAX_QUEUE_SIZE',
];
/** Values that may carry credentials: reported by name only. */
const SECRET: ReadonlySet<Name> = new Set(['OTEL_EXPORTER_OTLP_HEADERS']);

/** Absent: off, and nothing is instrumented. */
export function readTelemetrySettings(read: SettingsReader<Name>): TelemetryConfig | undefined {
  const azureMonitorConnectionString = read.text('APPLICATIONINSIGHTS_CONNECTION_STRING');
  const otlpConfigured = OTLP_ENDPOINT_VARIABLES.some((name) => read.text(name));
  if (read.text('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || (!azureMonitorConnectionString && !otlpConfigured)) return undefined;
  if (azureMonitorConnectionString && !/(^|;)\s*(InstrumentationKey|ConnectionString)=/i.test(azureMonitorConnectionString)) {
    read.problem('APPLICATIONINSIGHTS_CONNECTION_STRING has no InstrumentationKey: copy the whole connection string from the Application Insights resource (Overview → Connection String).');
  }
  const protocolText = read.text('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  const protocol = protocolText === 'http/json' ? 'http/json' : 'http/protobuf';
  if (protocolText !== protocol) read.mustBe('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf or http/json (gRPC is not included)', protocolText);
  const metricExportIntervalMs = read.integer('OTEL_METRIC_EXPORT_INTERVAL', { fallback: 60000, min: 1000, expected: 'a whole number of milliseconds, at least 1000' });
  const logExportLevel = read.choice('TELEMETRY_LOG_LEVEL', LOG_LEVELS, 'warn');
  const azureSampler = readAzureSampler(read, Boolean(azureMonitorConnectionString));
  const otelEnvironment: Record<string, string> = {};
  for (const name of REPORTED) {
    const value = read.text(name);
    if (value) otelEnvironment[name] = SECRET.has(name) ? '(set)' : value;
  }
  return {
    ...(azureMonitorConnectionString ? { azureMonitorConnectionString } : {}),
    ...(otlpConfigured ? { otlp: { protocol } } : {}),
    metricExportIntervalMs,
    logExportLevel,
    ...(azureSampler ? { azureSampler } : {}),
    otelEnvironment,
  };
}

/** Like the Azure Monitor distro: with Application Insights and no sampler chosen, 5 traces per second. */
const DEFAULT_TRACES_PER_SECOND = 5;

function readAzureSampler(read: SettingsReader<Name>, azureMonitor: boolean): TelemetryConfig['azureSampler'] {
  const sampler = read.text('OTEL_TRACES_SAMPLER');
  const argText = read.text('OTEL_TRACES_SAMPLER_ARG');
  const arg = argText === undefined ? undefined : Number(argText);
  if (sampler === undefined) return azureMonitor ? { kind: 'rateLimited', tracesPerSecond: DEFAULT_TRACES_PER_SECOND } : undefined;
  if (sampler === 'microsoft.rate_limited') {
    if (arg !== undefined && !(arg > 0)) read.mustBe('OTEL_TRACES_SAMPLER_ARG', 'a positive number of traces per second for microsoft.rate_limited', argText ?? '');
    return { kind: 'rateLimited', tracesPerSecond: arg ?? DEFAULT_TRACES_PER_SECOND };
  }
  if (sampler === 'microsoft.fixed_percentage') {
    if (arg === undefined || !(arg >= 0 && arg <= 1)) read.mustBe('OTEL_TRACES_SAMPLER_ARG', 'a share of traces from 0 to 1 for microsoft.fixed_percentage', argText ?? '');
    return { kind: 'fixedPercentage', ratio: arg ?? 1 };
  }
  return undefined;
}
