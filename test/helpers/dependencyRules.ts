/**
 * The layout's dependency rules, checked over a source tree: no import circle among files, none
 * among top-level folders, only the Teams layer (and the front door) imports the Teams SDKs, and
 * production code never imports local doubles or tests. Imports are read with TypeScript's own
 * pre-processor, so `import type` and `export … from` count like any other import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

export interface LayoutRules {
  /** Folders under the root that may import the SDKs below (e.g. `teams`, `frontDoor`). */
  sdkLayers: string[];
  /** Package names (or prefixes ending in `*`) only those folders may import. */
  sdkPackages: string[];
  /** Named exceptions: root-relative folder → why it may still import an SDK package. */
  sdkExceptions: Record<string, string>;
  /** Folders outside the tree (relative to it) that nothing in it may import. */
  forbiddenOutside: string[];
}

export interface Violation {
  rule: 'fileCycle' | 'folderCycle' | 'sdkOutsideLayer' | 'forbiddenImport';
  detail: string;
}

/** Every import of every .ts file under `root`, as root-relative paths (or package names). */
export function readImports(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const specifiers = info.importedFiles.map((imported) => imported.fileName);
    graph.set(rel(root, file), specifiers.map((specifier) => (specifier.startsWith('.') ? resolveLocal(root, file, specifier) : specifier)));
  }
  return graph;
}

export function checkLayout(root: string, rules: LayoutRules): Violation[] {
  const graph = readImports(root);
  const violations: Violation[] = [];
  const local = new Map<string, string[]>();
  for (const [file, imports] of graph) local.set(file, imports.filter((target) => graph.has(target)));

  for (const cycle of cycles(local)) violations.push({ rule: 'fileCycle', detail: cycle.join(' → ') });

  // Folders twice: top-level folders (features/, qbusiness/…) and every folder (features/answering/…).
  // A file directly under the root counts as its own unit: the composition root may import everything.
  for (const unitOf of [folderOf, directoryOf]) {
    const seen = new Set<string>();
    for (const cycle of cycles(unitGraph(local, unitOf))) {
      if (seen.has(cycle.join())) continue;
      seen.add(cycle.join());
      if (!violations.some((v) => v.rule === 'folderCycle' && v.detail === cycle.join(' → '))) violations.push({ rule: 'folderCycle', detail: cycle.join(' → ') });
    }
  }

  for (const [file, imports] of graph) {
    const folder = folderOf(file);
    const mayUseSdk = rules.sdkLayers.includes(folder) || folder in rules.sdkExceptions;
    for (const target of imports) {
      if (!graph.has(target) && !target.startsWith('.') && !mayUseSdk && rules.sdkPackages.some((pkg) => packageMatches(pkg, target))) {
        violations.push({ rule: 'sdkOutsideLayer', detail: `${file} imports ${target}` });
      }
      if (rules.forbiddenOutside.some((outside) => target === outside || target.startsWith(`../${outside}/`) || target.startsWith(`${outside}/`))) {
        violations.push({ rule: 'forbiddenImport', detail: `${file} imports ${target}` });
      }
    }
  }
  return violations;
}

function unitGraph(files: Map<string, string[]>, unitOf: (file: string) => string): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const [file, imports] of files) {
    const from = unitOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    for (const target of imports) if (unitOf(target) !== from) targets.add(unitOf(target));
    graph.set(from, targets);
  }
  return new Map([...graph].map(([unit, targets]) => [unit, [...targets]]));
}

function directoryOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : file;
}

function packageMatches(pattern: string, specifier: string): boolean {
  if (pattern.endsWith('*')) return specifier.startsWith(pattern.slice(0, -1));
  return specifier === pattern || specifier.startsWith(`${pattern}/`);
}

function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? (parts[0] as string) : file;
}

/** Every strongly connected group of more than one node, or a node importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

function tsFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `./x` → `folder/x.ts` or `folder/x/index.ts`; outside the tree stays a `../…` path. */
function resolveLocal(root: string, from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return rel(root, candidate);
  }
  return rel(root, base);
}

function rel(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}
