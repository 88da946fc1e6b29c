/**
 * Microsoft's Bicep CLI for the infra tests: found (BICEP_CLI, the copy scripts/fetch-bicep.sh keeps
 * under .tools/, or `bicep` on PATH) or fetched from NuGet when the .NET SDK is there. Runs
 * `bicep build` and `bicep lint` and returns their diagnostics as data. Without any of these the
 * tests skip, saying why; with REQUIRE_BICEP=1 (CI) that is a failure instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const FETCH = join(ROOT, 'scripts/fetch-bicep.sh');

export interface BicepDiagnostic {
  file: string;
  line: number;
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  message: string;
}

export type BicepCli = { path: string; version: string } | { missing: string };

let found: BicepCli | undefined;

/** The CLI, or why there is none. Fetches it once per process when dotnet is installed. */
export function bicepCli(): BicepCli {
  found ??= locate();
  return found;
}

function locate(): BicepCli {
  const candidates = [process.env.BICEP_CLI, cachedFetch(), onPath('bicep')].filter((path): path is string => Boolean(path));
  if (candidates.length === 0) {
    if (!onPath('dotnet')) return { missing: 'no Bicep CLI: neither BICEP_CLI, `bicep` on PATH, nor the .NET SDK to fetch Azure.Bicep.CommandLine.linux-x64 from NuGet (scripts/fetch-bicep.sh)' };
    const fetched = spawnSync('bash', [FETCH], { encoding: 'utf8' });
    if (fetched.status !== 0) return { missing: `scripts/fetch-bicep.sh failed (NuGet unreachable?): ${fetched.stderr.trim().split('\n').slice(-3).join(' ')}` };
    candidates.push(fetched.stdout.trim());
  }
  const path = candidates[0] as string;
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { missing: `${path} --version failed: ${version.stderr}` };
  return { path, version: version.stdout.trim() };
}

function onPath(command: string): string | undefined {
  const which = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** The copy fetch-bicep.sh left under .tools/ (any version). */
function cachedFetch(): string | undefined {
  const folder = join(ROOT, '.tools/bicep/packages/azure.bicep.commandline.linux-x64');
  if (!existsSync(folder)) return undefined;
  const versions = readdirSync(folder).sort();
  const newest = versions.at(-1);
  const path = newest ? join(folder, newest, 'tools/bicep') : undefined;
  return path && existsSync(path) ? path : undefined;
}

/** `bicep lint` or `bicep build`'s diagnostics, parsed from its default format (file relative to `root`). */
function diagnostics(output: string, root: string): BicepDiagnostic[] {
  const pattern = /^(.+?)\((\d+),\d+\) : (Error|Warning|Info) ([\w-]+): (.*)$/gm;
  return [...output.matchAll(pattern)].map((match) => ({ file: relative(root, match[1] as string), line: Number(match[2]), level: match[3] as BicepDiagnostic['level'], code: match[4] as string, message: match[5] as string }));
}

/** `bicep lint --pattern` (one process: the CLI takes seconds to start). `pattern` is relative to `root`. */
export function lint(cli: { path: string }, root: string, pattern: string): { output: string; diagnostics: BicepDiagnostic[] } {
  const run = spawnSync(cli.path, ['lint', '--pattern', pattern], { cwd: root, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  return { output, diagnostics: diagnostics(output, root) };
}

/** `bicep build --pattern` into a temporary folder: each template's ARM JSON (modules inlined as nested deployments) by its path. */
export function build(cli: { path: string }, root: string, pattern: string): { output: string; diagnostics: BicepDiagnostic[]; templates: Map<string, ArmTemplate> } {
  const outdir = mkdtempSync(join(tmpdir(), 'bicep-'));
  const run = spawnSync(cli.path, ['build', '--pattern', pattern, '--outdir', outdir], { cwd: root, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const templates = new Map<string, ArmTemplate>();
  const base = pattern.split('/*')[0] as string;
  const collect = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) collect(path);
      else if (entry.name.endsWith('.json')) templates.set(join(base, relative(outdir, path)).replace(/\.json$/, '.bicep'), JSON.parse(readFileSync(path, 'utf8')) as ArmTemplate);
    }
  };
  collect(outdir);
  return { output, diagnostics: diagnostics(output, root), templates };
}

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: unknown;
  dependsOn?: string[];
  properties?: Record<string, unknown>;
  copy?: { name: string; count: unknown };
  [key: string]: unknown;
}

export interface ArmTemplate {
  parameters: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs: Record<string, { type: string; value: unknown }>;
}

/** Every resource of a template, nested deployments (modules) included, with the module path that holds it. */
export function allResources(template: ArmTemplate, path = ''): Array<ArmResource & { module: string }> {
  const resources = Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
  return resources.flatMap((resource) => {
    const here = { ...resource, module: path };
    if (resource.type !== 'Microsoft.Resources/deployments') return [here];
    const inner = (resource.properties as { template?: ArmTemplate } | undefined)?.template;
    return inner ? [here, ...allResources(inner, `${path}/${String((resource.name as string) ?? '')}`)] : [here];
  });
}
