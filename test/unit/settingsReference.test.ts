/**
 * The settings reference in docs/operating.md and the code that reads the environment name the
 * same variables (issue 29): every variable src/config.ts (the bot and `npm run doctor`) or
 * deploy/aws/settings.ts (the AWS setup script) reads is in the reference, and every variable in
 * the reference is read. The extractor is first shown to find each way of reading, and to flag
 * a read it cannot resolve.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { settingsInReference, settingsReadBy } from '../helpers/settingsReference';

const ROOT = resolve(__dirname, '../../..');
const READERS = ['src/config.ts', 'deploy/aws/settings.ts'];

function codeReads(): Set<string> {
  const names = new Set<string>();
  for (const file of READERS) {
    const read = settingsReadBy(file, readFileSync(join(ROOT, file), 'utf8'));
    assert.deepEqual(read.unresolved, [], `${file}: reads whose variable name is not a literal or a name list`);
    read.names.forEach((name) => names.add(name));
  }
  return names;
}

function tsFilesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = `${folder}/${name}`;
    return statSync(join(ROOT, path)).isDirectory() ? tsFilesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('settings reference (docs/operating.md) against the code', () => {
  it('the extractor finds literal reads, name lists read in loops and callbacks, pairs, and env.NAME; it flags what it cannot resolve', () => {
    const source = `
      const OTEL_VARIABLES = ['OTEL_A', 'OTEL_B'];
      const SWITCHES = ['S_ONE', 'S_TWO'] as const;
      export function load(env: Record<string, string | undefined>) {
        const read = (name: string) => env[name]?.trim();
        const required = (name: string, what: string) => read(name) ?? what;
        read('PLAIN');
        required('NEEDED', 'what it is');
        for (const name of OTEL_VARIABLES) read(name);
        SWITCHES.filter((name) => read(name));
        for (const [name, what] of [['PAIR_ONE', 'a'], ['PAIR_TWO', 'b']] as const) if (!read(name)) console.log(what);
        return env.DIRECT ?? env['BRACKETED'];
      }`;
    const found = settingsReadBy('planted.ts', source);
    assert.deepEqual([...found.names].sort(), ['BRACKETED', 'DIRECT', 'NEEDED', 'OTEL_A', 'OTEL_B', 'PAIR_ONE', 'PAIR_TWO', 'PLAIN', 'S_ONE', 'S_TWO']);
    assert.deepEqual(found.unresolved, []);

    const sneaky = settingsReadBy('sneaky.ts', `export function load(env: Record<string, string>, read: (name: string) => string) { const prefix = 'X_'; return read(prefix + 'Y') + env[prefix]; }`);
    assert.equal(sneaky.unresolved.length, 2, sneaky.unresolved.join('\n'));
  });

  it('the reference parser reads only the first column of the tables in its own section', () => {
    const guide = '# Guide\n\n## Settings reference\n\n| variable | meaning |\n|---|---|\n| `ONE`, `TWO` | uses `NOT_A_NAME_HERE` |\n\nProse with `PROSE_NAME`.\n\n### More\n\n| variable | default |\n|---|---|\n| `THREE` | `4` |\n\n## Next\n\n| `OUTSIDE` | x |\n';
    assert.deepEqual([...settingsInReference(guide)].sort(), ['ONE', 'THREE', 'TWO']);
  });

  it('only src/config.ts reads process.env in src/ (so the readers above are all of them)', () => {
    const others = tsFilesUnder('src').filter((file) => file !== 'src/config.ts' && /\bprocess\.env\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    assert.deepEqual(others, []);
  });

  it('every variable the code reads is in the reference, and every variable in the reference is read', () => {
    const code = codeReads();
    const reference = settingsInReference(readFileSync(join(ROOT, 'docs/operating.md'), 'utf8'));
    assert.deepEqual([...code].filter((name) => !reference.has(name)).sort(), [], 'read by the code but missing from the settings reference in docs/operating.md');
    assert.deepEqual([...reference].filter((name) => !code.has(name)).sort(), [], 'in the settings reference but read by no code');
  });
});
