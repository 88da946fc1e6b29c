/**
 * `npm run bench:package`: the deploy package's size and the bot's cold start, measured as App
 * Service sees it: time from spawning `node lib/src/index.js` to the first 200 from /readyz (config,
 * state store and AWS endpoints checked, against the local services), median of 5 runs, for the
 * esbuild bundle (.webapp, what is deployed) and for the unbundled build (lib/) for comparison.
 * Goals: package ≤ 25 MB, bundled cold start ≤ 1.0 s. The process's CPU time up to that moment is
 * printed too: on a busy machine wall time mostly measures the wait for a core.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalServices } from '../localdev/server';
import { cleanEnv, freePort } from '../test/helpers/botProcess';
import { DOCUMENTS, LOCAL_CREDENTIALS, ssoEnv } from '../test/helpers/stack';

const ROOT = resolve(__dirname, '../..');
const RUNS = 5;

function folderBytes(folder: string): { bytes: number; files: number } {
  return readdirSync(folder).reduce(
    (total, name) => {
      const path = join(folder, name);
      const inner = statSync(path).isDirectory() ? folderBytes(path) : { bytes: statSync(path).size, files: 1 };
      return { bytes: total.bytes + inner.bytes, files: total.files + inner.files };
    },
    { bytes: 0, files: 0 },
  );
}

/** CPU time (user + system) the process has used so far, from /proc (Linux): less sensitive to a busy machine than wall time. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function coldStart(entry: string, env: Record<string, string>): Promise<{ wallMs: number; cpuMs: number }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [entry], { env: cleanEnv({ ...env, PORT: String(port), LOG_LEVEL: 'warn' }), stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: cpuMs(child.pid as number) };
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 5));
    }
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'qteams-bench-')), 'webapp');
  const packaged = spawnSync(process.execPath, [join(ROOT, 'scripts/package-webapp.js'), '--out', out], { cwd: ROOT, stdio: 'inherit' });
  if (packaged.status !== 0) throw new Error('packaging failed');
  const size = folderBytes(out);
  console.log(`package: ${(size.bytes / 1e6).toFixed(1)} MB in ${size.files} files (goal ≤ 25 MB)`);

  const services = await startLocalServices({ documentsFolder: DOCUMENTS });
  const env = { AMAZON_Q_APP_ID: services.applicationId, AMAZON_Q_REGION: 'us-east-1', AWS_ENDPOINT_URL_QBUSINESS: services.url, ...LOCAL_CREDENTIALS, ...ssoEnv(services) };
  try {
    for (const [label, entry] of [['bundle (.webapp)', join(out, 'lib/src/index.js')], ['unbundled (lib/)', join(ROOT, 'lib/src/index.js')]] as const) {
      const runs: Array<{ wallMs: number; cpuMs: number }> = [];
      for (let run = 0; run < RUNS; run += 1) runs.push(await coldStart(entry, env));
      const wall = runs.map((run) => run.wallMs);
      console.log(
        `cold start to first /readyz 200, ${label}: median ${median(wall).toFixed(0)} ms (runs: ${wall.map((time) => time.toFixed(0)).join(', ')} ms; ` +
          `CPU used by then: median ${median(runs.map((run) => run.cpuMs)).toFixed(0)} ms)${label.startsWith('bundle') ? '; goal ≤ 1000 ms' : ''}`,
      );
    }
  } finally {
    await services.close();
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
