/**
 * The deploy package (`npm run package:webapp`): small, free of build and test tooling, and the
 * bundled bot inside it passes the answer-loop and identity integration suites unchanged; the
 * bundled doctor runs on its own.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startLocalServices } from '../../localdev/server';
import { doctorFolder, runDoctor } from '../helpers/doctorRun';
import { DOCUMENTS } from '../helpers/stack';

const ROOT = resolve(__dirname, '../../..');
const MAX_PACKAGE_BYTES = 25 * 1000 * 1000;

function filesUnder(root: string, folder = root): Array<{ path: string; bytes: number }> {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    const stat = statSync(path);
    return stat.isDirectory() ? filesUnder(root, path) : [{ path: relative(root, path), bytes: stat.size }];
  });
}

describe('deploy package (npm run package:webapp)', function () {
  this.timeout(240000);
  let out: string;

  before(() => {
    out = join(mkdtempSync(join(tmpdir(), 'qteams-webapp-')), 'webapp');
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/package-webapp.js'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
  after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('is at most 25 MB: one bundle, the sign-in pages, no maps, typings, tests or dev tools', () => {
    const files = filesUnder(out);
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    assert.ok(total <= MAX_PACKAGE_BYTES, `package is ${total} bytes`);
    assert.deepEqual(files.map((file) => file.path).sort(), ['lib/src/doctor/main.js', 'lib/src/doctor/main.js.LEGAL.txt', 'lib/src/index.js', 'lib/src/index.js.LEGAL.txt', 'package.json', 'public/auth-end.html', 'public/auth-start.html']);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.dependencies, {});
    assert.equal(manifest.scripts.start, 'node lib/src/index.js');
    assert.equal(manifest.scripts.doctor, 'node lib/src/doctor/main.js');
  });

  it('the bundled doctor runs on its own (App Service console) and passes a correct deployment', async () => {
    const services = await startLocalServices({ documentsFolder: DOCUMENTS });
    const folder = doctorFolder();
    try {
      const run = await runDoctor(services, folder, { entry: join(out, 'lib/src/doctor/main.js') });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /All \d+ checks passed/);
    } finally {
      await services.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the bundled bot passes the answer-loop and identity integration suites', async () => {
    const bundle = join(out, 'lib/src/index.js');
    assert.ok(existsSync(bundle));
    const suites = ['answerLoop', 'identity'].map((name) => join(ROOT, `lib/test/integration/${name}.test.js`));
    const output: string[] = [];
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'node_modules/mocha/bin/mocha.js'), '--no-config', '--timeout', '30000', '--exit', '--reporter', 'dot', ...suites], {
        cwd: ROOT,
        env: { ...process.env, QTEAMS_BOT_ENTRY: bundle },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.once('exit', done);
    });
    const text = output.join('');
    assert.equal(code, 0, text);
    const passing = Number(/(\d+) passing/.exec(text)?.[1] ?? 0);
    assert.ok(passing >= 10, `expected the suites to run, got:\n${text}`);
    assert.doesNotMatch(text, /\d+ failing/);
  });
});
