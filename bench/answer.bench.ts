/**
 * `npm run bench`: CPU time the bot process spends per answered question, ours against the
 * minimal Teams AI + ChatSync bot in ./baselineBot. Both run as separate processes against the
 * same local Q Business service and fake connector; CPU is read from /proc/<pid>/stat (Linux),
 * so the load generator and the Q service are not counted. Budget: ours ≤ 1.25 × baseline.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startLocalServices, type LocalServices } from '../localdev/server';
import { FakeConnector } from '../test/helpers/fakeConnector';
import { identityAwareCredentials } from '../test/helpers/localCredentials';
import { ADA, message } from '../test/helpers/teamsActivities';
import { startApplicationInsightsReceiver } from '../test/helpers/telemetryReceivers';
import { cpuMs, launch, launchThisBot, median, type RunningBot } from './measure';

const WARMUP = 60;
const MEASURED = Number(process.argv[2] ?? 600);
const ROUNDS = 5;
const QUESTIONS = ['How do I reset my VPN token?', 'What are the hotel limits in Europe?', 'How many days of annual leave do I get?', 'How do I report phishing?', 'How do I set up a new laptop?'];
const DOCUMENTS = resolve(__dirname, '../../localdev/qbusiness/documents');

/** One round: `count` sequential questions to one bot, its CPU time per answer recorded. */
async function round(bot: RunningBot, count: number, connector: FakeConnector, serviceUrl: string, record: boolean): Promise<void> {
  const cpuBefore = cpuMs(bot.child.pid as number);
  for (let index = 0; index < count; index += 1) {
    const before = connector.messages().length;
    const started = process.hrtime.bigint();
    await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(serviceUrl, ADA, QUESTIONS[index % QUESTIONS.length] as string)) });
    await connector.waitFor('answer', () => connector.messages().length > before);
    if (record) bot.latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  if (record) bot.cpuPerAnswer.push((cpuMs(bot.child.pid as number) - cpuBefore) / count);
}

/** Ada's identity-aware credentials, obtained once, for the baseline (which has no sign-in of its own). */
async function baselineEnvironment(q: LocalServices): Promise<Record<string, string>> {
  const credentials = await identityAwareCredentials(q, ADA, 'bench-baseline');
  return { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken };
}

async function main(): Promise<void> {
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const env = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) };

  const baselineCredentials = await baselineEnvironment(q);
  const baseline = await launch('baseline (Teams AI + ChatSync + plain card)', (port) =>
    spawn(process.execPath, [resolve(__dirname, 'baselineBot.js'), String(port), q.url, q.applicationId], { env: { ...env, ...baselineCredentials }, stdio: 'ignore' }),
  );
  // The CPU comparison is of the card reply (ChatSync); bench/streaming.bench measures streams.
  const launchOurs = (name: string, extraEnv: Record<string, string>): Promise<RunningBot> => launchThisBot(name, q, connector, serviceUrl, { STREAMING: 'off', ...extraEnv });
  const telemetryReceiver = await startApplicationInsightsReceiver();
  const ours = await launchOurs('this bot (per-user identity, cited card, feedback state)', {});
  const appInsights = { APPLICATIONINSIGHTS_CONNECTION_STRING: telemetryReceiver.connectionString, NODE_EXTRA_CA_CERTS: telemetryReceiver.caFile, APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true' };
  const withTelemetry = await launchOurs('this bot, telemetry on (App Insights defaults)', appInsights);
  const withAllTraces = await launchOurs('this bot, telemetry on, every trace sampled', { ...appInsights, OTEL_TRACES_SAMPLER: 'always_on' });
  const bots = [baseline, ours, withTelemetry, withAllTraces];
  // Rotate the bots round by round so drift in machine load hits all alike; report medians.
  for (const bot of bots) await round(bot, WARMUP, connector, serviceUrl, false);
  for (let index = 0; index < ROUNDS; index += 1) {
    const order = [...bots.slice(index % bots.length), ...bots.slice(0, index % bots.length)];
    for (const bot of order) await round(bot, Math.ceil(MEASURED / ROUNDS), connector, serviceUrl, true);
  }
  for (const bot of bots) bot.child.kill('SIGTERM');

  const ratio = median(ours.cpuPerAnswer) / median(baseline.cpuPerAnswer);
  const telemetryRatio = median(withTelemetry.cpuPerAnswer) / median(ours.cpuPerAnswer);
  const allTracesRatio = median(withAllTraces.cpuPerAnswer) / median(ours.cpuPerAnswer);
  for (const bot of bots) {
    console.log(`${bot.name.padEnd(56)} ${median(bot.cpuPerAnswer).toFixed(2)} ms CPU/answer (rounds: ${bot.cpuPerAnswer.map((value) => value.toFixed(2)).join(' ')})   p50 ${median(bot.latencies).toFixed(1)} ms`);
  }
  console.log(`ratio ${ratio.toFixed(2)}× (budget 1.25×): medians of ${ROUNDS} alternating rounds, ${MEASURED} answers per bot`);
  console.log(`telemetry on/off ${telemetryRatio.toFixed(2)}× (budget 1.10×) with Application Insights defaults (5 traces/s sampled, all metrics, warnings as logs)`);
  console.log(`telemetry on/off ${allTracesRatio.toFixed(2)}× with every trace sampled (OTEL_TRACES_SAMPLER=always_on, reported only); ${telemetryReceiver.envelopes.length} envelopes received`);
  await telemetryReceiver.close();
  await connector.close();
  await q.close();
  process.exitCode = ratio <= 1.25 && telemetryRatio <= 1.1 ? 0 : 1;
}

void main();
