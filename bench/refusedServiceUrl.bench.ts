/**
 * `npm run bench:serviceurl` (issue 19, item 3): how long the bot holds a request whose
 * `serviceUrl` refuses connections. Ada is signed in through a working serviceUrl, then asks
 * through a loopback port nothing listens on: `help` (one send), a question answered with a card
 * (typing, card, failure handling), and a streamed question (informative update, …). Prints each
 * request's time, median of 3; asserts nothing (figures, not tests).
 */
import net from 'node:net';
import { median } from './measure';
import { startStack } from '../test/helpers/stack';
import { ADA, message } from '../test/helpers/teamsActivities';

async function refusingUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}/`;
}

async function measure(label: string, extraEnv: Record<string, string>, text: string): Promise<void> {
  const stack = await startStack(extraEnv);
  try {
    await stack.signIn(ADA);
    const deadUrl = await refusingUrl();
    const times: number[] = [];
    let status = 0;
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      status = (await stack.post(message(deadUrl, ADA, text))).status;
      times.push(performance.now() - started);
    }
    process.stdout.write(`${label.padEnd(44)} median ${median(times).toFixed(0)} ms (runs ${times.map((ms) => ms.toFixed(0)).join(', ')}) status ${status}\n`);
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  await measure('help (one send)', {}, 'help');
  await measure('question, card reply (STREAMING=off)', {}, 'How do I reset my VPN token?');
  await measure('question, streamed (STREAMING=on)', { STREAMING: 'on' }, 'How do I reset my VPN token?');
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
