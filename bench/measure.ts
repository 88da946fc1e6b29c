/** What both benches share: a bot process's CPU time (Linux /proc), launching bots, medians. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalServices } from '../localdev/server';
import { freePort, waitForHealth } from '../test/helpers/botProcess';
import type { FakeConnector } from '../test/helpers/fakeConnector';
import { botEnv } from '../test/helpers/stack';
import { ADA, tokenExchange } from '../test/helpers/teamsActivities';

const CLOCK_TICKS_PER_SECOND = 100;

export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export interface RunningBot {
  name: string;
  url: string;
  child: ChildProcess;
  cpuPerAnswer: number[];
  latencies: number[];
}

export async function launch(name: string, start: (port: number) => ChildProcess, prepare: (url: string) => Promise<void> = async () => undefined): Promise<RunningBot> {
  const port = await freePort();
  const child = start(port);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url);
  await prepare(url);
  return { name, url, child, cpuPerAnswer: [], latencies: [] };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}


/** This bot as `npm start` runs it, against the local services, with Ada signed in once (Teams SSO). */
export async function launchThisBot(name: string, q: LocalServices, connector: FakeConnector, serviceUrl: string, extraEnv: Record<string, string>): Promise<RunningBot> {
  const env = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...botEnv(q, extraEnv) };
  return launch(
    name,
    (port) => spawn(process.execPath, [resolve(__dirname, '../src/index.js')], { env: { ...env, PORT: String(port) }, stdio: 'ignore' }),
    async (url) => {
      // The measured answers then use her cached session.
      const before = connector.messages().length;
      const activity = tokenExchange(serviceUrl, ADA, randomUUID(), await q.entra.mint({ aadObjectId: ADA.aadObjectId }));
      await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      await connector.waitFor('sign-in', () => connector.messages().length > before);
    },
  );
}
