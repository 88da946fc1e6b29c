/**
 * Runs `npm run doctor` the way an operator does — as its own process, reading an env file, with
 * AWS profiles and an Azure CLI sign-in — against the local services' admin data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { doctorEnvironment } from '../../localdev/admin/data';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { DOCUMENTS } from './stack';

export const PROJECT_ROOT = resolve(__dirname, '../../..');
const DOCTOR = join(PROJECT_ROOT, 'lib/src/doctor/main.js');
const AZ_STAND_IN = join(PROJECT_ROOT, 'localdev/admin/bin');

export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Lines that start with ✔, ✘ or —. */
  lines: string[];
  failures: string[];
}

export interface RunOptions {
  /** Replaces or adds env file values (after the ones the admin data implies). */
  env?: Record<string, string>;
  args?: string[];
  /** Process environment on top of the clean one. */
  processEnv?: Record<string, string>;
  /** Another build of the doctor (the deploy package's bundle). */
  entry?: string;
}

/**
 * Mocha hooks for a doctor suite: the local services and an operator's folder (AWS profiles),
 * started once; the admin data reset before each test. Read `services` and `folder` in tests.
 */
export function doctorSuite(): { services: LocalServices; folder: string } {
  const suite = {} as { services: LocalServices; folder: string };
  before(async () => {
    suite.services = await startLocalServices({ documentsFolder: DOCUMENTS });
    suite.folder = doctorFolder();
  });
  after(async () => {
    await suite.services?.close();
    if (suite.folder) rmSync(suite.folder, { recursive: true, force: true });
  });
  beforeEach(() => suite.services.resetAdmin());
  return suite;
}

/** A port nothing listens on: for "unreachable" cases. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export function doctorFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'doctor-'));
  writeFileSync(
    join(folder, 'aws-config'),
    [
      '[profile q-admin]',
      'region = us-east-1',
      'aws_access_key_id = AKIALOCALADMINQ00001',
      'aws_secret_access_key = local-q-admin-not-a-secret',
      '[profile idc-admin]',
      'region = eu-west-1',
      'aws_access_key_id = AKIALOCALADMINIDC001',
      'aws_secret_access_key = local-idc-admin-not-a-secret',
      '',
    ].join('\n'),
  );
  writeFileSync(join(folder, 'credentials'), '');
  return folder;
}

export function envFileText(values: Record<string, string>): string {
  return `${Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`;
}

export async function runDoctor(services: LocalServices, folder: string, options: RunOptions = {}): Promise<DoctorRun> {
  const values = {
    ...doctorEnvironment(services.admin, { graphUrl: `${services.url}/graph`, armUrl: `${services.url}/arm` }),
    AWS_PROFILE_QBUSINESS: 'q-admin',
    AWS_PROFILE_IDENTITY_CENTER: 'q-admin',
    ...options.env,
  };
  const envFile = join(folder, 'doctor.env');
  writeFileSync(envFile, envFileText(values));
  const args = options.args ?? ['--env-file', envFile];
  // A clean environment: nothing of the machine's own AWS or Azure sign-in leaks in.
  const env = {
    PATH: `${AZ_STAND_IN}:${process.env.PATH ?? ''}`,
    HOME: folder,
    AWS_CONFIG_FILE: join(folder, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'credentials'),
    AWS_ENDPOINT_URL: services.url,
    NODE_NO_WARNINGS: '1',
    ...options.processEnv,
  };
  return new Promise((done) => {
    execFile(process.execPath, [options.entry ?? DOCTOR, ...args], { env, cwd: PROJECT_ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const lines = stdout.split('\n').filter((line) => /^[✔✘—] /.test(line));
      done({ code, stdout, stderr, lines, failures: lines.filter((line) => line.startsWith('✘ ')) });
    });
  });
}

/**
 * The calls among those the local services served that could change something: doctor may only
 * read (Get/List/Describe, HTTP GET) and ask IAM's policy simulator, which evaluates and writes nothing.
 */
export function writesAmong(served: readonly string[]): string[] {
  return served.filter((call) => !/ (Get|List|Describe|Simulate)\w*$| GET /.test(call));
}
