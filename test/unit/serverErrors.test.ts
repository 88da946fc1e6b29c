/**
 * The 5xx counter (`qteams.http.server.errors`) on a real restify server: whatever route or
 * handler answers 5xx is counted, with its status and route; other statuses are not.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import * as restify from 'restify';
import { countServerErrors, METRICS, telemetry } from '../../src/telemetry';

describe('5xx counter', () => {
  it('counts every 5xx response by status and route, and nothing else', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60000 });
    const meters = new MeterProvider({ readers: [reader] });
    telemetry.bind(meters.getMeter('test'));
    const server = restify.createServer({ handleUncaughtExceptions: false });
    try {
      countServerErrors(server);
      server.get('/unavailable', (_req, res, next) => {
        res.send(503, { error: 'busy' });
        return next();
      });
      server.get('/fine', (_req, res, next) => {
        res.send(200, {});
        return next();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/unavailable', '/unavailable', '/fine', '/missing']) await (await fetch(url + path)).text();

      await reader.forceFlush();
      const points = exporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
        .filter((metric) => metric.descriptor.name === METRICS.serverErrors)
        .flatMap((metric) => metric.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>);
      assert.deepEqual(
        points.map((point) => ({ ...point.attributes, value: point.value })),
        [{ 'http.response.status_code': 503, 'http.route': '/unavailable', value: 2 }],
      );
    } finally {
      telemetry.unbind();
      server.close();
      await meters.shutdown();
    }
  });
});
