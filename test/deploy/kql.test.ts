/**
 * Every KQL query in infra/ (the workbook's charts and the alert rules) parsed and analyzed by
 * Microsoft's Kusto language service against the schemas of the tables it reads
 * (test/fixtures/log-analytics-tables.json, from Microsoft's table reference): an unknown table,
 * column or function, or a syntax error, fails. Each metric and dimension a query names must be
 * one the bot emits (src/telemetry/signals.ts).
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { METRIC_ATTRIBUTES, METRICS } from '../../src/telemetry/signals';
import { dimensionNames, infraQueries, kqlChecker, loadTables, metricNames } from '../helpers/kql';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = loadTables(join(ROOT, 'test', 'fixtures', 'log-analytics-tables.json'));
const check = kqlChecker(fixture);
const queries = infraQueries(join(ROOT, 'infra'), ROOT);
const emitted = new Set<string>(Object.values(METRICS));

describe('KQL in infra/ (Microsoft Kusto language service)', () => {
  it('finds the workbook charts and the three alert rules', () => {
    assert.equal(queries.filter((found) => found.where.startsWith('infra/monitoring.bicep')).length, 3, queries.map((found) => found.where).join(', '));
    const charts = queries.filter((found) => found.where.startsWith('infra/workbook/workbook.json'));
    assert.ok(charts.length >= 8, `workbook charts: ${charts.length}`);
  });

  it('the checker refuses planted bad queries: unknown table, column, function, syntax', () => {
    const bad = {
      table: 'AppMetricz | take 1',
      column: 'AppMetrics | where Nmae == "qteams.answers"',
      function: 'AppMetrics | summarize medianof(Sum)',
      syntax: 'AppMetrics | where Name == ',
      wrongTable: 'AppRequests | where Sum > 0',
    };
    for (const [what, query] of Object.entries(bad)) {
      const errors = check(query).filter((diagnostic) => diagnostic.severity === 'Error');
      assert.ok(errors.length > 0, `${what}: ${query} was accepted`);
    }
    // And a good one passes (the checker is not refusing everything).
    assert.deepEqual(check('AppMetrics | where Name == "qteams.answers" | summarize sum(Sum) by bin(TimeGenerated, 1d)'), []);
  });

  it('every query parses and analyzes without errors against the documented table schemas', () => {
    const problems = queries.flatMap(({ where, query }) =>
      check(query)
        .filter((diagnostic) => diagnostic.severity === 'Error' || diagnostic.severity === 'Warning')
        .map((diagnostic) => `${where}: ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`),
    );
    assert.deepEqual(problems, []);
  });

  it('every AppMetrics query names only metrics the bot emits, and only their dimensions', () => {
    const problems: string[] = [];
    for (const { where, query } of queries) {
      if (!/^\s*AppMetrics\b/.test(query)) continue;
      const names = metricNames(query);
      if (names.length === 0) problems.push(`${where}: reads AppMetrics without choosing a metric by Name`);
      for (const name of names) if (!emitted.has(name)) problems.push(`${where}: metric "${name}" is not one the bot emits`);
      const allowed = new Set(names.flatMap((name) => METRIC_ATTRIBUTES[name as keyof typeof METRIC_ATTRIBUTES] ?? []));
      for (const dimension of dimensionNames(query)) if (!allowed.has(dimension)) problems.push(`${where}: dimension "${dimension}" is not an attribute of ${names.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });

  it('the metric-name check itself catches a name the bot does not emit and a foreign dimension', () => {
    assert.deepEqual(metricNames('AppMetrics | where Name == "qteams.answer" or Name in ("qteams.votes", "x")'), ['qteams.answer', 'qteams.votes', 'x']);
    assert.ok(!emitted.has('qteams.answer'));
    assert.deepEqual(dimensionNames('AppMetrics | extend a = Properties.outcome, b = Properties["user"]'), ['outcome', 'user']);
    assert.ok(!(METRIC_ATTRIBUTES['qteams.answers'] as readonly string[]).includes('user'));
  });
});
