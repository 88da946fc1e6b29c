/**
 * Keeps answer cards inside Teams' message limits. Teams refuses activities above roughly
 * 40 KB counted as UTF-16 (413 MessageSizeTooBig), so the card gets that budget minus room
 * for the envelope botbuilder adds (ids, conversation, service URL, entities).
 */
import type { Source } from '../model/answer';
import { buildAnswerCard, type AnswerCardModel } from './answerCard';
import type { AdaptiveCardJson } from './types';

export const MAX_ACTIVITY_UTF16_BYTES = 40 * 1024;
const ENVELOPE_RESERVE_UTF16_BYTES = 4 * 1024;
export const MAX_SOURCES = 20;

export function utf16Bytes(value: unknown): number {
  return JSON.stringify(value).length * 2;
}

/**
 * Builds the answer card, shortening the answer (at a line break, never mid-word) until the
 * card fits. Sets `truncated` on the model it returns so later re-renders keep the same text.
 */
export function fitAnswerToTeams(model: AnswerCardModel): { model: AnswerCardModel; card: AdaptiveCardJson } {
  const budget = MAX_ACTIVITY_UTF16_BYTES - ENVELOPE_RESERVE_UTF16_BYTES;
  let fitted: AnswerCardModel = { ...model, sources: capSources(model.sources) };
  let card = buildAnswerCard(fitted);
  for (let attempt = 0; utf16Bytes(card) > budget && attempt < 40; attempt += 1) {
    const overshoot = utf16Bytes(card) - budget;
    const targetLength = Math.max(0, fitted.markdown.length - Math.ceil(overshoot / 2) - 200);
    fitted = { ...fitted, markdown: shortenAtBoundary(fitted.markdown, targetLength), truncated: true };
    if (fitted.markdown.length === 0) fitted = { ...fitted, sources: fitted.sources.map(({ snippet: _dropped, ...rest }) => rest) };
    card = buildAnswerCard(fitted);
  }
  return { model: fitted, card };
}

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
