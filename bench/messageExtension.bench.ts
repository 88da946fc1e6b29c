/**
 * `npm run bench` (message extension): time and CPU of a search-command query next to a chat
 * answer, on one bot process against the local Q service, with Ada signed in. Three kinds,
 * alternated round by round so drift in machine load hits all alike: a chat message answered as a
 * card (ChatSync), a message extension query for a new question (ChatSync, the result card built
 * within 28 KB), and a repeat of a question answered from the extension's cache (no Q call).
 * CPU is the bot process's own (/proc); the Q service and the load generator are not counted.
 */
import { resolve } from 'node:path';
import { startLocalServices } from '../localdev/server';
import { FakeConnector } from '../test/helpers/fakeConnector';
import { ADA, message, searchQuery } from '../test/helpers/teamsActivities';
import { cpuMs, launchThisBot, median, type RunningBot } from './measure';

const WARMUP = 30;
const MEASURED = Number(process.argv[2] ?? 300);
const ROUNDS = 5;
const QUESTIONS = ['How do I reset my VPN token?', 'What are the hotel limits in Europe?', 'How many days of annual leave do I get?', 'How do I report phishing?', 'How do I set up a new laptop?'];
const DOCUMENTS = resolve(__dirname, '../../localdev/qbusiness/documents');

type Kind = 'chat answer (card)' | 'extension query, new question' | 'extension query, cached answer';
interface Series {
  cpu: number[];
  latencies: number[];
}

async function main(): Promise<void> {
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const bot: RunningBot = await launchThisBot('this bot', q, connector, serviceUrl, { STREAMING: 'off' });
  const post = (activity: Record<string, unknown>) => fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  let unique = 0;
  const ask: Record<Kind, (index: number) => Promise<void>> = {
    'chat answer (card)': async (index) => {
      const before = connector.messages().length;
      await post(message(serviceUrl, ADA, QUESTIONS[index % QUESTIONS.length] as string));
      await connector.waitFor('answer', () => connector.messages().length > before);
    },
    // A question never asked before (the number makes it new): the cache can't help.
    'extension query, new question': async (index) => {
      unique += 1;
      const response = await post(searchQuery(serviceUrl, ADA, `${(QUESTIONS[index % QUESTIONS.length] as string).slice(0, -1)} (${unique})?`));
      await expectAnswer(response);
    },
    'extension query, cached answer': async (index) => {
      await expectAnswer(await post(searchQuery(serviceUrl, ADA, QUESTIONS[index % QUESTIONS.length] as string)));
    },
  };
  const kinds = Object.keys(ask) as Kind[];
  const series = Object.fromEntries(kinds.map((kind) => [kind, { cpu: [], latencies: [] }])) as unknown as Record<Kind, Series>;

  const round = async (kind: Kind, count: number, record: boolean): Promise<void> => {
    const cpuBefore = cpuMs(bot.child.pid as number);
    for (let index = 0; index < count; index += 1) {
      const started = process.hrtime.bigint();
      await ask[kind](index);
      if (record) series[kind].latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    if (record) series[kind].cpu.push((cpuMs(bot.child.pid as number) - cpuBefore) / count);
  };
  for (const kind of kinds) await round(kind, WARMUP, false);
  for (let index = 0; index < ROUNDS; index += 1) {
    for (const kind of [...kinds.slice(index % kinds.length), ...kinds.slice(0, index % kinds.length)]) await round(kind, Math.ceil(MEASURED / ROUNDS), true);
  }
  bot.child.kill('SIGTERM');
  for (const kind of kinds) {
    const { cpu, latencies } = series[kind];
    console.log(`${kind.padEnd(32)} ${median(cpu).toFixed(2)} ms CPU each (rounds: ${cpu.map((value) => value.toFixed(2)).join(' ')})   p50 ${median(latencies).toFixed(1)} ms   p95 ${percentile(latencies, 0.95).toFixed(1)} ms`);
  }
  const ratio = median(series['extension query, new question'].cpu) / median(series['chat answer (card)'].cpu);
  console.log(`extension query / chat answer: ${ratio.toFixed(2)}× CPU (medians of ${ROUNDS} alternating rounds, ${MEASURED} requests per kind; reported, no budget)`);
  await connector.close();
  await q.close();
}

async function expectAnswer(response: Response): Promise<void> {
  const body = (await response.json()) as { composeExtension?: { attachments?: Array<{ content?: { refresh?: unknown } }> } };
  if (!body.composeExtension?.attachments?.[0]?.content?.refresh) throw new Error(`not an answer: ${JSON.stringify(body).slice(0, 300)}`);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

void main();
