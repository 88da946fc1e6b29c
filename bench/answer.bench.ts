/**
 * `npm run bench`: CPU time the bot process spends per answered question, ours against the
 * minimal Teams AI + ChatSync bot in ./baselineBot. Both run as separate processes against the
 * same local Q Business service and fake connector; CPU is read from /proc/<pid>/stat (Linux),
 * so the load generator and the Q service are not counted. Budget: ours ≤ 1.25 × baseline.
 * Two more processes run this bot with telemetry on (Application Insights exporter against a local
 * ingestion endpoint, metrics and warnings exported): with the default sampling (5 traces/s), budget
 * ≤ 1.10 × the same bot with telemetry off; with every trace sampled, the figure is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN } from '../localdev/directory';
import { startLocalServices, type LocalServices } from '../localdev/server';
import { FakeConnector } from '../test/helpers/fakeConnector';
import { freePort, waitForHealth } from '../test/helpers/botProcess';
import { LOCAL_CREDENTIALS, ssoEnv } from '../test/helpers/stack';
import { ADA, message, tokenExchange } from '../test/helpers/teamsActivities';
import { startApplicationInsightsReceiver } from '../test/helpers/telemetryReceivers';

const WARMUP = 60;
const MEASURED = Number(process.argv[2] ?? 600);
const ROUNDS = 5;
const QUESTIONS = ['How do I reset my VPN token?', 'What are the hotel limits in Europe?', 'How many days of annual leave do I get?', 'How do I report phishing?', 'How do I set up a new laptop?'];
const CLOCK_TICKS_PER_SECOND = 100;
const DOCUMENTS = resolve(__dirname, '../../localdev/qbusiness/documents');

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

interface RunningBot {
  name: string;
  url: string;
  child: ChildProcess;
  cpuPerAnswer: number[];
  latencies: number[];
}

async function launch(name: string, start: (port: number) => ChildProcess, prepare: (url: string) => Promise<void> = async () => undefined): Promise<RunningBot> {
  const port = await freePort();
  const child = start(port);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url);
  await prepare(url);
  return { name, url, child, cpuPerAnswer: [], latencies: [] };
}

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Ada's identity-aware credentials, obtained once, for the baseline (which has no sign-in of its own). */
async function identityAwareCredentials(q: LocalServices): Promise<Record<string, string>> {
  const own = { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
  const idc = new SSOOIDCClient({ region: 'us-east-1', endpoint: q.url, credentials: own });
  const sts = new STSClient({ region: 'us-east-1', endpoint: q.url, credentials: own });
  const tokens = await idc.send(
    new CreateTokenWithIAMCommand({ clientId: LOCAL_IDC_APPLICATION_ARN, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await q.entra.mint({ aadObjectId: ADA.aadObjectId }) }),
  );
  const role = await sts.send(
    new AssumeRoleCommand({
      RoleArn: LOCAL_Q_USER_ROLE_ARN,
      RoleSessionName: 'bench-baseline',
      ProvidedContexts: [{ ProviderArn: 'arn:aws:iam::aws:contextProvider/IdentityCenter', ContextAssertion: tokens.awsAdditionalDetails?.identityContext }],
    }),
  );
  idc.destroy();
  sts.destroy();
  return { AWS_ACCESS_KEY_ID: role.Credentials?.AccessKeyId ?? '', AWS_SECRET_ACCESS_KEY: role.Credentials?.SecretAccessKey ?? '', AWS_SESSION_TOKEN: role.Credentials?.SessionToken ?? '' };
}

async function main(): Promise<void> {
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const env = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) };

  const baselineCredentials = await identityAwareCredentials(q);
  const baseline = await launch('baseline (Teams AI + ChatSync + plain card)', (port) =>
    spawn(process.execPath, [resolve(__dirname, 'baselineBot.js'), String(port), q.url, q.applicationId], { env: { ...env, ...baselineCredentials }, stdio: 'ignore' }),
  );
  const telemetryReceiver = await startApplicationInsightsReceiver();
  const launchOurs = (name: string, extraEnv: Record<string, string>): Promise<RunningBot> =>
    launch(
      name,
      (port) =>
        spawn(process.execPath, [resolve(__dirname, '../src/index.js')], {
          env: { ...env, ...LOCAL_CREDENTIALS, ...ssoEnv(q), PORT: String(port), LOG_LEVEL: 'info', AMAZON_Q_APP_ID: q.applicationId, AMAZON_Q_REGION: 'us-east-1', AWS_ENDPOINT_URL_QBUSINESS: q.url, ...extraEnv },
          stdio: 'ignore',
        }),
      async (url) => {
        // Sign Ada in once, as Teams SSO would; the measured answers then use her cached session.
        const before = connector.messages().length;
        const activity = tokenExchange(serviceUrl, ADA, randomUUID(), await q.entra.mint({ aadObjectId: ADA.aadObjectId }));
        await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        await connector.waitFor('sign-in', () => connector.messages().length > before);
      },
    );
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
  await connector.close();
  await q.close();
  await telemetryReceiver.close();
  process.exitCode = ratio <= 1.25 && telemetryRatio <= 1.1 ? 0 : 1;
}

void main();
