/**
 * Runs the built bot exactly as `npm start` does (`node lib/src/index.js`), configured only by
 * environment variables, and collects its log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** `QTEAMS_BOT_ENTRY` runs another build of the same bot instead, e.g. the deploy bundle (test/deploy/package.test.ts). */
export const BOT_ENTRY = process.env.QTEAMS_BOT_ENTRY ? resolve(process.env.QTEAMS_BOT_ENTRY) : resolve(__dirname, '../../src/index.js');

export interface BotProcess {
  url: string;
  logs: string[];
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Minimal environment: PATH only, so nothing from the developer's shell leaks into a test. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...extra };
}

export function runBot(env: Record<string, string>): { child: ChildProcess; logs: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BOT_ENTRY], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const collect = (chunk: Buffer): void => {
    logs.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim()));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, logs, exited };
}

export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const { child, logs, exited } = runBot({ PORT: '0', ...env });
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`bot did not start:\n${logs.join('\n')}`)), 20000);
    const check = (): void => {
      for (const line of logs) {
        if (line.includes('"bot listening"')) {
          clearTimeout(timer);
          done(JSON.parse(line).port as number);
          return;
        }
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => fail(new Error(`bot exited with ${code}:\n${logs.join('\n')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((done) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Polls /healthz until the bot answers (for runs whose log level hides the start-up line). */
export async function waitForHealth(url: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy`);
}
