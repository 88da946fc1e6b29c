/**
 * `npm run bench` (second part): streamed answers against the card reply, at a fixed local pace
 * (Q's first token after 2 s, then 30 tokens/s, a 1,497-character answer). Two processes of this
 * bot, STREAMING=on and off, answer the same question in alternating rounds. Measured per answer:
 * time to the first visible answer text, time to the final card, and the bot process's CPU time.
 * Goals (issue 11): first text ≤ max(Q's first token, informative update + Teams' spacing) + 300 ms;
 * final card ≤ Q's last event + 2 s; CPU per streamed answer ≤ 2 × a ChatSync answer.
 */
import { resolve } from 'node:path';
import { startLocalServices } from '../localdev/server';
import { answerReadyMs, tokenDueMs } from '../localdev/qbusiness/pacing';
import { FakeConnector, streamInfoOf } from '../test/helpers/fakeConnector';
import { ADA, message } from '../test/helpers/teamsActivities';
import { cpuMs, launchThisBot, median, type RunningBot } from './measure';

const ROUNDS = Number(process.argv[2] ?? 3);
/** Tokens per Chat textEvent (argv[3], default 1: the most events, the most work for the SDK). */
const PACING = { firstTokenMs: 2000, tokensPerSecond: 30, tokensPerEvent: Number(process.argv[3] ?? 1) };
const QUESTION = 'How do I work securely from home?';
const ANSWERS_PER_ROUND = 2;
const TEAMS_SPACING_MS = 1500;

interface Timings {
  informative?: number;
  firstText: number;
  finalCard: number;
  qFirstToken: number;
  qLastEvent: number;
}

async function main(): Promise<void> {
  const q = await startLocalServices({ documentsFolder: resolve(__dirname, '../../bench/documents'), pacing: PACING });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const streamed = await launchThisBot('streaming (Chat → Teams stream)', q, connector, serviceUrl, { STREAMING: 'on' });
  const cardReply = await launchThisBot('card reply (ChatSync → one card)', q, connector, serviceUrl, { STREAMING: 'off' });
  const timings = new Map<RunningBot, Timings[]>([
    [streamed, []],
    [cardReply, []],
  ]);

  const answerOnce = async (bot: RunningBot): Promise<Timings> => {
    connector.clear();
    q.state.calls.length = 0;
    const started = Date.now();
    await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(serviceUrl, ADA, QUESTION)) });
    const final = await connector.waitFor('final card', () => connector.sent.find((sent) => sent.body.type === 'message'), 60000);
    const call = q.state.calls.find((recorded) => recorded.operation === 'Chat' || recorded.operation === 'ChatSync');
    const received = call ? Date.parse(call.at) : started;
    const answer = String((q.state.conversations.values().next().value?.messages.at(-1)?.body ?? ''));
    const informative = connector.sent.find((sent) => streamInfoOf(sent.body)?.streamType === 'informative');
    const firstText = connector.sent.find((sent) => streamInfoOf(sent.body)?.streamType === 'streaming') ?? final;
    return {
      ...(informative ? { informative: informative.at - started } : {}),
      firstText: firstText.at - started,
      finalCard: final.at - started,
      qFirstToken: received + tokenDueMs(PACING, 0) - started,
      qLastEvent: received + answerReadyMs(PACING, answer) - started,
    };
  };

  // Warm up both (first Chat/ChatSync of a process pays for loading), then alternate rounds.
  for (const bot of [streamed, cardReply]) await answerOnce(bot);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const bot of round % 2 === 0 ? [streamed, cardReply] : [cardReply, streamed]) {
      const cpuBefore = cpuMs(bot.child.pid as number);
      for (let index = 0; index < ANSWERS_PER_ROUND; index += 1) timings.get(bot)?.push(await answerOnce(bot));
      bot.cpuPerAnswer.push((cpuMs(bot.child.pid as number) - cpuBefore) / ANSWERS_PER_ROUND);
    }
  }
  for (const bot of [streamed, cardReply]) bot.child.kill('SIGTERM');
  await connector.close();
  await q.close();

  const med = (bot: RunningBot, pick: (timing: Timings) => number | undefined): number => median((timings.get(bot) ?? []).map(pick).filter((value): value is number => value !== undefined));
  console.log(`\nStreaming vs card reply, Q pacing: first token ${PACING.firstTokenMs} ms, ${PACING.tokensPerSecond} tokens/s, ${PACING.tokensPerEvent} token(s) per textEvent, "${QUESTION}" (1,497 characters); medians of ${ROUNDS * ANSWERS_PER_ROUND} answers each`);
  for (const bot of [streamed, cardReply]) {
    console.log(
      `${bot.name.padEnd(34)} informative ${bot === streamed ? `${ms(med(bot, (t) => t.informative))}` : '—'.padEnd(7)}  first text ${ms(med(bot, (t) => t.firstText))}  final card ${ms(med(bot, (t) => t.finalCard))}  (Q first token ${ms(med(bot, (t) => t.qFirstToken))}, last event ${ms(med(bot, (t) => t.qLastEvent))})  CPU ${median(bot.cpuPerAnswer).toFixed(1)} ms/answer`,
    );
  }
  const firstTextGoal = Math.max(med(streamed, (t) => t.qFirstToken), med(streamed, (t) => t.informative) + TEAMS_SPACING_MS) + 300;
  const finalGoal = med(streamed, (t) => t.qLastEvent) + 2000;
  const cpuRatio = median(streamed.cpuPerAnswer) / median(cardReply.cpuPerAnswer);
  const verdicts = [
    [`first visible text ${ms(med(streamed, (t) => t.firstText))} ≤ ${ms(firstTextGoal)}`, med(streamed, (t) => t.firstText) <= firstTextGoal],
    [`final card ${ms(med(streamed, (t) => t.finalCard))} ≤ Q's last event + 2 s = ${ms(finalGoal)}`, med(streamed, (t) => t.finalCard) <= finalGoal],
    [`CPU per streamed answer ${cpuRatio.toFixed(2)}× a ChatSync answer ≤ 2×`, cpuRatio <= 2],
  ] as const;
  for (const [text, met] of verdicts) console.log(`${met ? 'met ' : 'MISS'}  ${text}`);
  process.exitCode = verdicts.every(([, met]) => met) ? 0 : 1;
}

const ms = (value: number): string => `${Math.round(value)} ms`;

void main();
