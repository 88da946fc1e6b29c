/**
 * Which environment variables the code reads, found with the TypeScript compiler's own parser
 * (not a text search), and which ones the settings reference in docs/operating.md lists, so a
 * test can hold the two together. The readers (src/config.ts, deploy/aws/settings.ts) read
 * through small helpers: `read('NAME')`, `required('NAME', …)`, `check('NAME', …)`, loops over
 * name lists (`const OTEL_VARIABLES = [...]`), and `env.NAME` / `env['NAME']`. A read whose name
 * can't be resolved that way is reported, so a new way of reading can't slip past the check.
 */
import ts from 'typescript';

const READ_HELPERS = new Set(['read', 'required', 'check']);
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface SettingsRead {
  names: Set<string>;
  /** Reads whose variable name the parser could not resolve (each `file:line what`). */
  unresolved: string[];
}

export function settingsReadBy(fileName: string, source: string): SettingsRead {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const unresolved: string[] = [];
  const where = (node: ts.Node): string => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

  // Name lists: `const X_VARIABLES = ['A', 'B']` (also `as const`), whose names are read in a loop.
  const nameLists = new Map<string, string[]>();
  const collectLists = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const list = stringList(node.initializer);
      if (list && list.length > 0 && list.every((item) => NAME.test(item))) nameLists.set(node.name.text, list);
    }
    ts.forEachChild(node, collectLists);
  };
  collectLists(file);

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && READ_HELPERS.has(node.expression.text)) {
      const literal = node.arguments.filter(ts.isStringLiteralLike);
      for (const argument of node.expression.text === 'read' ? literal : literal.slice(0, 1)) names.add(argument.text);
      const first = node.arguments[0];
      if (first && !ts.isStringLiteralLike(first) && !insideHelper(node) && !resolvedByLoop(node, first)) unresolved.push(`${where(node)} ${node.getText()}`);
    }
    // env.NAME and env['NAME'] (env: the process environment passed in).
    if (ts.isPropertyAccessExpression(node) && isEnv(node.expression)) names.add(node.name.text);
    if (ts.isElementAccessExpression(node) && isEnv(node.expression)) {
      if (ts.isStringLiteralLike(node.argumentExpression)) names.add(node.argumentExpression.text);
      else if (!insideHelper(node)) unresolved.push(`${where(node)} ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };

  /** `read(name)` where `name` comes from a loop or callback over a name list (or a list of [name, …] pairs). */
  const resolvedByLoop = (call: ts.Node, argument: ts.Expression): boolean => {
    if (!ts.isIdentifier(argument)) return false;
    for (let node: ts.Node | undefined = call.parent; node; node = node.parent) {
      if (ts.isForOfStatement(node)) {
        const list = listOf(node.expression);
        if (list) {
          list.forEach((name) => names.add(name));
          return true;
        }
      }
      // NAMES.filter((name) => read(name)), NAMES.some(…), NAMES.map(…)
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const list = listOf(node.expression.expression);
        if (list) {
          list.forEach((name) => names.add(name));
          return true;
        }
      }
    }
    return false;
  };
  const listOf = (written: ts.Expression): string[] | undefined => {
    const expression = ts.isAsExpression(written) ? written.expression : written;
    if (ts.isIdentifier(expression)) return nameLists.get(expression.text);
    // for (const [name, what] of [['A', '…'], ['B', '…']])
    if (ts.isArrayLiteralExpression(expression)) {
      const firsts = expression.elements.map((element) => (ts.isArrayLiteralExpression(element) && element.elements[0] && ts.isStringLiteralLike(element.elements[0]) ? element.elements[0].text : undefined));
      if (firsts.length > 0 && firsts.every((name): name is string => name !== undefined && NAME.test(name))) return firsts;
    }
    return undefined;
  };
  visit(file);
  return { names, unresolved };
}

/** Inside the definition of a read helper itself (`const read = (name) => env[name]…`). */
function insideHelper(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isVariableDeclaration(current) && ts.isIdentifier(current.name) && READ_HELPERS.has(current.name.text)) return true;
  }
  return false;
}

function isEnv(expression: ts.Expression): boolean {
  return (ts.isIdentifier(expression) && expression.text === 'env') || (ts.isPropertyAccessExpression(expression) && expression.getText() === 'process.env');
}

function stringList(expression: ts.Expression): string[] | undefined {
  const inner = ts.isAsExpression(expression) ? expression.expression : expression;
  if (!ts.isArrayLiteralExpression(inner)) return undefined;
  const items = inner.elements.map((element) => (ts.isStringLiteralLike(element) ? element.text : undefined));
  return items.every((item): item is string => item !== undefined) ? items : undefined;
}

/** The variables named in the first column of every table under the guide's settings heading. */
export function settingsInReference(markdown: string, heading = '## Settings reference'): Set<string> {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    const firstCell = line.split('|')[1] ?? '';
    if (/^\s*variable\s*$/.test(firstCell)) continue;
    for (const match of firstCell.matchAll(/`([^`]+)`/g)) if (NAME.test(match[1] as string)) names.add(match[1] as string);
  }
  return names;
}
