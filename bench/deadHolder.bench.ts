/**
 * `npm run bench:deadholder` (issue 19, item 4): how long a person waits after the instance
 * answering their previous question dies mid-question. Two bot processes share one Azurite
 * container; Ada asks on instance 0 while Q is slow (the turn holds her conversation's lease),
 * instance 0 gets SIGKILL as soon as its ChatSync has reached Q, and she asks again on instance 1.
 * Prints the time from the kill to instance 1's ChatSync (the wait for the dead holder's lease)
 * and to the answer card, per round; asserts nothing (figures, not tests).
 */
import { randomUUID } from 'node:crypto';
import { median } from './measure';
import { startScaledStack, type ScaledStack } from '../test/helpers/scaledStack';
import { cardOf, cardTexts, idcUserIdOf } from '../test/helpers/stack';
import { ADA, message, personalConversationId, tokenExchange } from '../test/helpers/teamsActivities';

const ROUNDS = Number(process.argv[2] ?? 3);

async function until<T>(probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function round(stack: ScaledStack): Promise<{ leaseWaitMs: number; answerMs: number }> {
  const chatCalls = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync' && call.principal === idcUserIdOf(ADA));
  const answers = () => stack.connector.messages(personalConversationId(ADA)).filter((sent) => sent.body.attachments?.[0] && cardTexts(cardOf(sent)).join(' ').includes('Sources'));
  const callsBefore = chatCalls().length;
  const answersBefore = answers().length;
  stack.q.state.addFault({ operation: 'ChatSync', latencyMs: 60_000, count: 1 });
  void stack.post(0, message(stack.serviceUrl, ADA, 'How do I reset my VPN token?')).catch(() => undefined);
  await until(() => (chatCalls().length > callsBefore ? true : undefined));
  stack.instances[0]?.process.kill('SIGKILL');
  const killedAt = performance.now();
  void stack.post(1, message(stack.serviceUrl, ADA, 'How do I report phishing?'));
  await until(() => (chatCalls().length > callsBefore + 1 ? true : undefined));
  const leaseWaitMs = performance.now() - killedAt;
  await until(() => answers()[answersBefore]);
  const answerMs = performance.now() - killedAt;
  await stack.replace(0);
  return { leaseWaitMs, answerMs };
}

async function main(): Promise<void> {
  const stack = await startScaledStack(2);
  try {
    const token = await stack.q.entra.mint({ aadObjectId: ADA.aadObjectId });
    await stack.post(0, tokenExchange(stack.serviceUrl, ADA, randomUUID(), token));
    await stack.connector.waitFor('Ada signed in', () => stack.connector.messages(personalConversationId(ADA)).some((sent) => JSON.stringify(sent.body).includes('Signed in')));
    const results = [];
    for (let index = 0; index < ROUNDS; index += 1) {
      const result = await round(stack);
      results.push(result);
      process.stdout.write(`round ${index + 1}: kill → next question reaches Q ${result.leaseWaitMs.toFixed(0)} ms, → answer card ${result.answerMs.toFixed(0)} ms\n`);
    }
    process.stdout.write(`median: kill → Q ${median(results.map((r) => r.leaseWaitMs)).toFixed(0)} ms, kill → card ${median(results.map((r) => r.answerMs)).toFixed(0)} ms\n`);
  } finally {
    await stack.stop();
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
