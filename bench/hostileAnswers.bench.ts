/**
 * `npm run bench` (part): CPU time of the card pipeline for the worst hostile answers — placing
 * citation markers (placeCitations) and building and fitting the answer card (fitAnswerToTeams),
 * plus the streamed text of the whole answer (streamableMarkdown) — measured in this process with
 * `process.cpuUsage`, median of several runs after a warm-up. Budget: ≤ 50 ms CPU per answer.
 * The issue's shapes are written out here (not only taken from the hostile corpus) so the same file
 * can be compiled against an older tree to measure "before".
 */
import { placeCitations } from '../src/cards/citations';
import { streamableMarkdown } from '../src/cards/streamText';
import { fitAnswerToTeams } from '../src/cards/teamsLimits';
import type { SourceAttribution } from '../src/domain/answer';
import { HOSTILE_DOCUMENTS } from '../localdev/qbusiness/hostileDocuments';

const BUDGET_MS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const EVIL = 'https://evil.example/reset';
const PORTAL = 'https://intranet.example.com/it/password-reset';

interface Case {
  name: string;
  body: string;
  attributions: SourceAttribution[];
}

function attributionsFor(url: string, body: string, count = 1, segments?: Array<{ beginOffset?: number; endOffset?: number }>): SourceAttribution[] {
  return Array.from({ length: count }, (_, index) => ({
    citationNumber: index + 1,
    title: `Password reset ${index + 1}`,
    url: count === 1 ? url : `${url}/${index + 1}`,
    snippet: body.slice(0, 200),
    documentId: `doc-${index}`,
    updatedAt: new Date('2026-11-01'),
    segments: segments ?? [{ beginOffset: 0, endOffset: body.length }],
  }));
}

const ISSUE_CASES: Case[] = [
  { name: 'issue: 40,000 characters of *a', body: '*a'.repeat(20_000), attributions: attributionsFor(PORTAL, '*a') },
  {
    name: 'issue: 78,000 characters, 100,000 segments',
    body: 'reset '.repeat(13_000),
    attributions: attributionsFor(PORTAL, 'reset', 1, Array.from({ length: 100_000 }, (_, index) => ({ beginOffset: 0, endOffset: (index * 7) % 78_000 }))),
  },
  { name: 'issue: 40,000 characters of [a<a', body: '[a<a'.repeat(10_000), attributions: attributionsFor(PORTAL, '[a') },
  { name: 'issue: 2,000-item list', body: Array.from({ length: 2000 }, (_, index) => `- item ${index} [x](${EVIL})`).join('\n'), attributions: attributionsFor(PORTAL, 'item') },
  {
    name: 'issue 29: 60,000-character hostile answer',
    body: Array.from({ length: 1200 }, (_, line) => `Line ${line}: ${'reset '.repeat(8)}[p](javascript:alert(${line}))`).join('\n').slice(0, 60_000),
    attributions: attributionsFor(PORTAL, 'Line'),
  },
  { name: 'issue: 300-level nested list', body: Array.from({ length: 300 }, (_, depth) => `${'  '.repeat(depth)}- level ${depth}`).join('\n'), attributions: attributionsFor(PORTAL, 'level') },
];

const CORPUS_CASES: Case[] = HOSTILE_DOCUMENTS.map((document) => ({
  name: document.name,
  body: document.body,
  attributions: attributionsFor(document.url ?? '', document.body, document.sources ?? 1, document.segments),
}));

function cardPipeline(item: Case): void {
  const cited = placeCitations(item.body, item.attributions);
  fitAnswerToTeams({ answerKey: 'bench', markdown: cited.markdown, sources: cited.sources, feedback: { vote: 'none' }, view: 'vote' });
}

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function main(): void {
  // BENCH_ONLY=<text>: only the cases whose name contains it.
  const cases = [...ISSUE_CASES, ...CORPUS_CASES].filter((item) => !process.env.BENCH_ONLY || item.name.includes(process.env.BENCH_ONLY));
  // Warm-up: the JIT and marked's first parse.
  for (const item of [...CORPUS_CASES.slice(0, 10), ...cases.slice(-3)]) cardPipeline(item);
  const results = cases.map((item) => {
    const card = median(Array.from({ length: RUNS }, () => cpuMs(() => cardPipeline(item))));
    const stream = median(Array.from({ length: RUNS }, () => cpuMs(() => streamableMarkdown(item.body))));
    return { name: item.name, characters: item.body.length, card, stream };
  });
  results.sort((a, b) => b.card + b.stream - (a.card + a.stream));
  console.log('hostile answers: ms CPU (median of %d) — card = placeCitations + fitAnswerToTeams; stream = streamed text of the whole answer', RUNS);
  for (const result of results.slice(0, 12)) console.log(`${result.name.padEnd(48)} ${String(result.characters).padStart(7)} chars   card ${result.card.toFixed(1).padStart(7)} ms   stream ${result.stream.toFixed(1).padStart(7)} ms`);
  const fit60000 = results.find((result) => result.name.startsWith('issue 29'));
  if (fit60000) console.log(`fitting a 60,000-character hostile answer: card ${fit60000.card.toFixed(1)} ms CPU`);
  const worst = results[0] as (typeof results)[number];
  console.log(`worst hostile answer: ${worst.name}, ${(worst.card + worst.stream).toFixed(1)} ms CPU (budget ${BUDGET_MS} ms)`);
  process.exitCode = worst.card + worst.stream <= BUDGET_MS ? 0 : 1;
}

main();
