/**
 * Checks the project's documentation the way a newcomer uses it: every relative link, `#anchor`
 * and image in the given markdown files resolves (remark-validate-links, run through
 * unified-engine so links to headings in the other files are checked too), and every npm command
 * the files name in code (`npm run X`, `npm X`) exists: a script in package.json, or one of npm's
 * own commands. The packages are ESM; Node (≥ 20.19) loads them with `require`.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { remark } from 'remark';
import remarkValidateLinks from 'remark-validate-links';
import { engine } from 'unified-engine';

export interface DocsProblem {
  file: string;
  line?: number;
  problem: string;
}

/** Broken relative links, anchors (in the same file or another one) and images, per file. */
export async function brokenLinks(root: string, files: string[]): Promise<DocsProblem[]> {
  const context = await new Promise<{ files: Array<{ path: string; messages: Array<{ reason: string; line?: number | undefined }> }> }>((resolve, reject) => {
    engine(
      {
        processor: remark(),
        files,
        cwd: root,
        // Offline: links are checked against the files on disk, not a hosted repository.
        plugins: [[remarkValidateLinks as never, { repository: false }]],
        // Report only: nothing is written back, nothing printed, no config or ignore files read.
        output: false,
        out: false,
        silent: true,
        quiet: true,
        color: false,
        detectConfig: false,
        detectIgnore: false,
        streamError: { write: () => true } as unknown as NodeJS.WritableStream,
      },
      (error, _code, result) => (error || !result ? reject(error ?? new Error('unified-engine gave no result')) : resolve(result as never)),
    );
  });
  return context.files.flatMap((file) =>
    file.messages.map((message) => ({ file: relative(root, join(root, file.path)), ...(message.line ? { line: message.line } : {}), problem: message.reason })),
  );
}

/**
 * npm's own commands (npm 10/11 `npm help`), with their aliases. `start`, `test`, `stop` and
 * `restart` run scripts of the same name, so those must also be in package.json.
 */
const NPM_COMMANDS = new Set(
  (
    'access adduser audit bugs cache ci cit clean-install clean-install-test completion config dedupe deprecate diff dist-tag docs ' +
    'doctor edit exec explain explore find-dupes fund get help help-search i init install install-ci-test install-scripts install-test it ' +
    'link ll login logout ls org outdated owner pack ping pkg prefix profile prune publish query rebuild repo restart root run ' +
    'run-script sbom search set shrinkwrap star stars start stop team test t token uninstall unpublish unstar update version view whoami x'
  ).split(' '),
);
const RUNS_A_SCRIPT = new Set(['start', 'test', 't', 'stop', 'restart']);

/** Every npm command a markdown text names in code (inline code and code blocks; prose is not read). */
export function npmCommandsIn(markdown: string): Array<{ command: string; script?: string }> {
  const found: Array<{ command: string; script?: string }> = [];
  const visit = (node: { type: string; value?: string; children?: unknown[] }): void => {
    if ((node.type === 'inlineCode' || node.type === 'code') && node.value) {
      for (const match of node.value.matchAll(/(?:^|[\s;&|(`])npm\s+(run(?:-script)?\s+)?([a-z](?:[\w:.-]*\w)?)/g)) {
        const [, run, name] = match as unknown as [string, string | undefined, string];
        found.push(run ? { command: 'run', script: name } : RUNS_A_SCRIPT.has(name) ? { command: name, script: name === 't' ? 'test' : name } : { command: name });
      }
    }
    for (const child of node.children ?? []) visit(child as { type: string });
  };
  visit(remark().parse(markdown) as unknown as { type: string });
  return found;
}

/** Commands named in the files that neither npm nor package.json's scripts provide. */
export function unknownNpmCommands(root: string, files: string[]): DocsProblem[] {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  return files.flatMap((file) =>
    npmCommandsIn(readFileSync(join(root, file), 'utf8')).flatMap(({ command, script }) => {
      if (script !== undefined) return script in scripts ? [] : [{ file, problem: `\`npm ${command === 'run' ? 'run ' : ''}${script}\` names a script package.json does not have` }];
      return NPM_COMMANDS.has(command) ? [] : [{ file, problem: `\`npm ${command}\` is neither an npm command nor run through \`npm run\`` }];
    }),
  );
}
