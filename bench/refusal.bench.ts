/**
 * `npm run bench:refusal`: how fast the front door refuses forged Bot Framework tokens. The bot
 * runs with BOT_ID against the local Bot Framework token service; after one valid request (keys
 * cached) it receives 100 forged requests one after another and 100 at once, then, with the
 * metadata host swallowing connections, how long the first and later refusals take.
 * Prints p50/p99 in milliseconds; asserts nothing (figures, not tests).
 */
import { forgedAuthorizations } from '../test/helpers/forgedTokens';
import { postRaw, startAuthenticatedStack, TEST_BOT_PASSWORD } from '../test/helpers/stack';
import { ADA, message } from '../test/helpers/teamsActivities';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timed(task: () => Promise<{ status: number }>): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const { status } = await task();
  return { ms: performance.now() - started, status };
}

function report(label: string, samples: Array<{ ms: number; status: number }>): void {
  const ms = samples.map((sample) => sample.ms);
  const statuses = [...new Set(samples.map((sample) => sample.status))].join(',');
  process.stdout.write(`${label.padEnd(46)} n=${samples.length} p50=${percentile(ms, 50).toFixed(1)} ms p99=${percentile(ms, 99).toFixed(1)} ms max=${Math.max(...ms).toFixed(1)} ms status=${statuses}\n`);
}

async function main(): Promise<void> {
  const stack = await startAuthenticatedStack();
  try {
    const activity = message(stack.serviceUrl, ADA, 'help');
    await stack.post(activity);
    const forged = await forgedAuthorizations(stack.botFramework, stack.serviceUrl, TEST_BOT_PASSWORD);
    const body = JSON.stringify(activity);
    const sequential = [];
    for (let i = 0; i < 100; i += 1) sequential.push(await timed(() => postRaw(stack.bot.url, body, forged[i % forged.length]?.[1])));
    report('forged tokens, one after another', sequential);
    const deep = forged.filter(([name]) => /self-signed|never published|another bot|another serviceUrl|endorsed|tampered/.test(name));
    const deepSamples = [];
    for (let i = 0; i < 100; i += 1) deepSamples.push(await timed(() => postRaw(stack.bot.url, body, deep[i % deep.length]?.[1])));
    report('forged tokens checked by botbuilder (signature…)', deepSamples);
    report('forged tokens, 100 at once', await Promise.all(Array.from({ length: 100 }, (_, i) => timed(() => postRaw(stack.bot.url, body, forged[i % forged.length]?.[1])))));
    process.stdout.write(`metadata fetches during all of the above: ${stack.botFramework.metadataFetches}\n`);
  } finally {
    await stack.stop();
  }

  const cold = await startAuthenticatedStack();
  try {
    cold.botFramework.metadataFault = 'hang';
    const activity = message(cold.serviceUrl, ADA, 'help');
    report('metadata host hanging: first request', [await timed(() => cold.post(activity))]);
    const later = [];
    for (let i = 0; i < 20; i += 1) later.push(await timed(() => cold.post(activity)));
    report('metadata host hanging: next requests', later);
    process.stdout.write(`metadata fetches while hanging: ${cold.botFramework.metadataFetches}\n`);
  } finally {
    await cold.stop();
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
