/**
 * Keeps answer cards inside Teams' message limits. Teams refuses activities above roughly
 * 40 KB counted as UTF-16 (413 MessageSizeTooBig), so the card gets that budget minus room
 * for the envelope botbuilder adds (ids, conversation, service URL, entities).
 */
import type { Source } from '../domain/answer';
import { buildAnswerCard, type AnswerCardModel } from './answerCard';
import type { AdaptiveCardJson } from './types';

export const MAX_ACTIVITY_UTF16_BYTES = 40 * 1024;
const ENVELOPE_RESERVE_UTF16_BYTES = 4 * 1024;
export const CARD_BUDGET_UTF16_BYTES = MAX_ACTIVITY_UTF16_BYTES - ENVELOPE_RESERVE_UTF16_BYTES;
export const MAX_SOURCES = 20;

export function utf16Bytes(value: unknown): number {
  return JSON.stringify(value).length * 2;
}

/**
 * Builds the answer card; if it is too big, keeps the longest prefix of the answer (cut at a line
 * break or space) that fits, found by binary search. Sets `truncated` on the returned model so
 * later re-renders keep the same text.
 */
export function fitAnswerToTeams(model: AnswerCardModel): { model: AnswerCardModel; card: AdaptiveCardJson } {
  const capped: AnswerCardModel = { ...model, sources: capSources(model.sources) };
  // Common case, one build: the card as sent, plus what its largest re-render would add.
  const card = buildAnswerCard(capped);
  if (utf16Bytes(card) + largestViewGrowth(capped) <= CARD_BUDGET_UTF16_BYTES) return { model: capped, card };

  const shortened = (length: number, base: AnswerCardModel): AnswerCardModel => ({ ...base, markdown: shortenAtBoundary(model.markdown, length), truncated: true });
  // With no answer text left the sources alone must fit: drop their snippets if they do not.
  const withoutSnippets = { ...capped, sources: capped.sources.map(({ snippet: _dropped, ...rest }) => rest) };
  const base = fitsEveryView(shortened(0, capped)) ? capped : withoutSnippets;
  let fits = 0;
  let tooLong = model.markdown.length;
  while (tooLong - fits > 16) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (fitsEveryView(shortened(middle, base))) fits = middle;
    else tooLong = middle;
  }
  const fitted = shortened(fits, base);
  return { model: fitted, card: buildAnswerCard(fitted) };
}

/** The asker's 👎 reasons form is the largest state the card can later be re-rendered in. */
function fitsEveryView(model: AnswerCardModel): boolean {
  return utf16Bytes(buildAnswerCard({ ...model, view: 'reasons', viewer: 'asker', feedbackProblem: LONGEST_FEEDBACK_PROBLEM })) <= CARD_BUDGET_UTF16_BYTES;
}

/** How much larger the reasons view is than the card as sent; measured without the answer text. */
function largestViewGrowth(model: AnswerCardModel): number {
  const frame = { ...model, markdown: '' };
  return utf16Bytes(buildAnswerCard({ ...frame, view: 'reasons', viewer: 'asker', feedbackProblem: LONGEST_FEEDBACK_PROBLEM })) - utf16Bytes(buildAnswerCard(frame));
}
const LONGEST_FEEDBACK_PROBLEM = 'x'.repeat(200);

function capSources(sources: Source[]): Source[] {
  return sources.length > MAX_SOURCES ? sources.slice(0, MAX_SOURCES) : sources;
}

function shortenAtBoundary(markdown: string, targetLength: number): string {
  if (markdown.length <= targetLength) return markdown;
  const head = markdown.slice(0, targetLength);
  const lineBreak = head.lastIndexOf('\n');
  const space = head.lastIndexOf(' ');
  const cut = lineBreak > targetLength * 0.6 ? lineBreak : space > 0 ? space : targetLength;
  const shortened = head.slice(0, cut).trimEnd();
  // An unclosed code fence would swallow the truncation notice's neighbours; close it.
  const fences = (shortened.match(/^(```|~~~)/gm) ?? []).length;
  return fences % 2 === 1 ? `${shortened}\n\`\`\`` : shortened;
}
