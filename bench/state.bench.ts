/**
 * `npm run bench` (second part): the cost of shared state. The same bot answers the same warm
 * questions with its state in memory and in Azure Blob Storage (Azurite, through a counting relay
 * in front of it), and reports storage round trips per answer (goal ≤ 3), answers per second and
 * CPU per answer for both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalServices, type LocalServices } from '../localdev/server';
import { startAzurite } from '../test/helpers/azurite';
import { FakeConnector } from '../test/helpers/fakeConnector';
import { DOCUMENTS } from '../test/helpers/stack';
import { ADA, message } from '../test/helpers/teamsActivities';
import { cpuMs, launchThisBot } from './measure';

const WARMUP = 30;
const MEASURED = Number(process.argv[2] ?? 300);
const QUESTIONS = ['How do I reset my VPN token?', 'What are the hotel limits in Europe?', 'How do I report phishing?'];
const ROUND_TRIP_GOAL = 3;

/** Forwards HTTP requests to Azurite and counts them: every one is a storage round trip. */
async function countingRelay(targetPort: number): Promise<{ port: number; count: () => number; background: () => number; reset: () => void; close: () => Promise<void> }> {
  let requests = 0;
  let background = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((incoming, outgoing) => {
    // The vote outbox polls its shards on a timer, whatever the traffic: counted apart.
    if ((incoming.url ?? '').includes('vote-outbox')) background += 1;
    else requests += 1;
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers, agent }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  // Nagle plus delayed ACK would add ~40 ms per relayed request.
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => requests,
    background: () => background,
    reset: () => {
      requests = 0;
      background = 0;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

interface Measured {
  store: string;
  answersPerSecond: number;
  cpuPerAnswer: number;
  roundTripsPerAnswer?: number;
  backgroundReads?: number;
  seconds: number;
}

async function measure(store: string, storeEnv: Record<string, string>, q: LocalServices, relay?: { count: () => number; background: () => number; reset: () => void }): Promise<Measured> {
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const bot = await launchThisBot(store, q, connector, serviceUrl, { LOG_LEVEL: 'warn', ...storeEnv });
  const ask = async (count: number): Promise<void> => {
    for (let index = 0; index < count; index += 1) {
      const before = connector.messages().length;
      await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(serviceUrl, ADA, QUESTIONS[index % QUESTIONS.length] as string)) });
      await connector.waitFor('answer', () => connector.messages().length > before);
    }
  };
  await ask(WARMUP);
  relay?.reset();
  const pid = bot.child.pid as number;
  const cpuBefore = cpuMs(pid);
  const started = process.hrtime.bigint();
  await ask(MEASURED);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result: Measured = {
    store,
    answersPerSecond: MEASURED / seconds,
    cpuPerAnswer: (cpuMs(pid) - cpuBefore) / MEASURED,
    seconds,
    ...(relay ? { roundTripsPerAnswer: relay.count() / MEASURED, backgroundReads: relay.background() } : {}),
  };
  bot.child.kill('SIGTERM');
  await connector.close();
  return result;
}

async function main(): Promise<void> {
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const azurite = await startAzurite();
  const relay = await countingRelay(azurite.port);
  const relayed = azurite.connectionString.replace(`:${azurite.port}/`, `:${relay.port}/`);
  const results = [
    await measure('memory', {}, q),
    await measure('Azure Blob Storage (Azurite)', { AZURE_STORAGE_CONNECTION_STRING: relayed, BOT_STATE_BLOB_CONTAINER: 'bench-state' }, q, relay),
  ];
  for (const result of results) {
    const trips =
      result.roundTripsPerAnswer === undefined
        ? ''
        : `   ${result.roundTripsPerAnswer.toFixed(2)} storage round trips/answer (goal ≤ ${ROUND_TRIP_GOAL}); vote outbox polls: ${result.backgroundReads} reads in ${result.seconds.toFixed(1)} s`;
    console.log(`state in ${result.store.padEnd(30)} ${result.answersPerSecond.toFixed(1)} answers/s   ${result.cpuPerAnswer.toFixed(2)} ms CPU/answer${trips}`);
  }
  await relay.close();
  await azurite.stop();
  await q.close();
  const trips = results[1]?.roundTripsPerAnswer ?? Infinity;
  if (trips > ROUND_TRIP_GOAL) process.exitCode = 1;
}

void main();
