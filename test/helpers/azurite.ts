/**
 * Azurite, Microsoft's Azure Storage emulator (npm `azurite`), as a child process on a free
 * loopback port with its own temporary folder: the blob store the bot uses on Azure, for tests,
 * the bench and `npm run playground -- --durable`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './botProcess';

/** Azurite's well-known development account (published in its README; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const AZURITE_BLOB = resolve(__dirname, '../../../node_modules/azurite/dist/src/blob/main.js');

export interface Azurite {
  connectionString: string;
  port: number;
  /** The emulator's process id (the bench reads its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
}

export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [AZURITE_BLOB, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Azurite did not start:\n${output}`)), 20000);
    const check = (): void => {
      if (/successfully listens/.test(output)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => fail(new Error(`Azurite exited:\n${output}`)));
  });
  return {
    connectionString: azuriteConnectionString(port),
    port,
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    },
  };
}
