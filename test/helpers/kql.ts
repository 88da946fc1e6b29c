/**
 * KQL checked by Microsoft's own Kusto language service (@kusto/language-service-next, the
 * Kusto.Language analyzer compiled to JavaScript): every query in infra/ is parsed and analyzed
 * against the Log Analytics tables it may read (test/fixtures/log-analytics-tables.json), so an
 * unknown table, column or function is an error. Also finds every query in infra/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The package is a Bridge.NET build: its runtime defines the global `Bridge` the analyzer needs.
require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next');
const Kusto = (globalThis as unknown as { Kusto: any }).Kusto.Language;

export interface Diagnostic {
  severity: string;
  code: string;
  message: string;
}

export interface InfraQuery {
  /** Where it is: file and the alert's or chart's name. */
  where: string;
  query: string;
}

interface TableFixture {
  source: string;
  tables: Record<string, Record<string, string>>;
}

export function loadTables(path: string): TableFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as TableFixture;
}

/** The analyzer's context: a database holding exactly the given tables. */
export function kqlChecker(fixture: TableFixture): (query: string) => Diagnostic[] {
  const tables = Object.entries(fixture.tables).map(([name, columns]) => {
    const schema = `(${Object.entries(columns).map(([column, type]) => `${column}:${type}`).join(', ')})`;
    return new Kusto.Symbols.TableSymbol.$ctor7(name, schema, null);
  });
  const database = new Kusto.Symbols.DatabaseSymbol.$ctor3('workspace', null, tables, false);
  const globals = Kusto.GlobalState.Default.WithDatabase(database);
  return (query) => {
    const diagnostics = Kusto.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
    const found: Diagnostic[] = [];
    for (let index = 0; index < diagnostics.Count; index++) {
      const diagnostic = diagnostics.getItem(index);
      found.push({ severity: String(diagnostic.Severity), code: String(diagnostic.Code), message: String(diagnostic.Message) });
    }
    return found;
  };
}

/**
 * Every query in infra/: `query: '…'` in each .bicep file (alert rules), and every KqlItem in the
 * workbook JSON files. A query built with Bicep interpolation (`${…}`) cannot be checked as text,
 * so it is reported as a problem of its own.
 */
export function infraQueries(infraDir: string, root: string): InfraQuery[] {
  const found: InfraQuery[] = [];
  for (const file of filesUnder(infraDir)) {
    const where = relative(root, file);
    if (file.endsWith('.bicep')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bquery:\s*'((?:[^'\\]|\\.)*)'/g)) {
        const line = text.slice(0, match.index).split('\n').length;
        found.push({ where: `${where}:${line}`, query: (match[1] as string).replace(/\\'/g, "'").replace(/\\\\/g, '\\') });
      }
    } else if (file.endsWith('.json')) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; items?: Array<{ name?: string; content?: { version?: string; query?: string } }> };
      if (json.version !== 'Notebook/1.0') continue;
      for (const item of json.items ?? []) if (item.content?.version === 'KqlItem/1.0') found.push({ where: `${where} (${item.name ?? 'item'})`, query: item.content.query ?? '' });
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The metric names a query filters on (`Name == "…"`, `Name in ("…", …)`). */
export function metricNames(query: string): string[] {
  const names = [...query.matchAll(/\bName\s*==\s*"([^"]+)"/g)].map((match) => match[1] as string);
  for (const list of query.matchAll(/\bName\s+in\s*\(([^)]*)\)/g)) names.push(...[...(list[1] as string).matchAll(/"([^"]+)"/g)].map((match) => match[1] as string));
  return names;
}

/** The dimension names a query reads from `Properties` (`Properties.x`, `Properties["x"]`). */
export function dimensionNames(query: string): string[] {
  return [...query.matchAll(/\bProperties(?:\.([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])/g)].map((match) => (match[1] ?? match[2]) as string);
}
