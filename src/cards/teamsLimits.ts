/**
 * Keeps answer cards inside the limit of the surface they go to: Teams refuses a message above
 * roughly 40 KB counted as UTF-16 (413 MessageSizeTooBig), and a message extension result card
 * above 28 KB. The budget is a parameter; the card gets it minus room for the envelope botbuilder
 * adds (ids, conversation, service URL, entities). Every part of the card that can be long is
 * capped or shortened, not only the answer body.
 */
import type { Source } from '../domain/answer';
import { largestFitting, shortenAtBoundary as cutAtBoundary, SURFACE_BUDGETS, utf16Bytes, type Surface } from '../content/sizeBudget';
import { buildAnswerCard, type AnswerCardModel } from './answerCard';
import type { AdaptiveCardJson } from './types';

export { utf16Bytes };
export const MAX_ACTIVITY_UTF16_BYTES = SURFACE_BUDGETS.message;
const ENVELOPE_RESERVE_UTF16_BYTES = 4 * 1024;
export const CARD_BUDGET_UTF16_BYTES = cardBudget('message');
export const MAX_SOURCES = 20;

/** What the card itself may take on a surface: the surface's limit less the envelope. */
export function cardBudget(surface: Surface): number {
  return SURFACE_BUDGETS[surface] - ENVELOPE_RESERVE_UTF16_BYTES;
}

/**
 * Builds the answer card; if it is too big for `budget` (UTF-16 bytes for the card), keeps the
 * longest prefix of the answer (cut at a line break or space) that fits, found by binary search.
 * When even no answer text leaves the rest too big, snippets go first, then sources from the end.
 * Sets `truncated` on the returned model so later re-renders keep the same text.
 */
export function fitAnswerToTeams(model: AnswerCardModel, budget: number = CARD_BUDGET_UTF16_BYTES): { model: AnswerCardModel; card: AdaptiveCardJson } {
  const capped: AnswerCardModel = { ...model, sources: capSources(model.sources) };
  // Common case, one build: the card as sent, plus what its largest re-render would add.
  const card = buildAnswerCard(capped);
  if (utf16Bytes(card) + largestViewGrowth(capped) <= budget) return { model: capped, card };

  const shortened = (length: number, base: AnswerCardModel): AnswerCardModel => ({ ...base, markdown: shortenAtBoundary(model.markdown, length), truncated: true });
  const base = frameThatFits(capped, (frame) => fitsEveryView(shortened(0, frame), budget));
  const fits = largestFitting(model.markdown.length, (length) => fitsEveryView(shortened(length, base), budget));
  const fitted = shortened(Math.max(0, fits), base);
  return { model: fitted, card: buildAnswerCard(fitted) };
}

/** The fullest version of the card's frame (everything but the answer text) that fits. */
function frameThatFits(model: AnswerCardModel, fits: (frame: AnswerCardModel) => boolean): AnswerCardModel {
  if (fits(model)) return model;
  const withoutSnippets = { ...model, sources: model.sources.map(({ snippet: _dropped, ...rest }) => rest) };
  const sourceCount = largestFitting(withoutSnippets.sources.length, (count) => fits({ ...withoutSnippets, sources: withoutSnippets.sources.slice(0, count) }), 1);
  if (sourceCount >= 0) return { ...withoutSnippets, sources: withoutSnippets.sources.slice(0, sourceCount) };
  // Nothing else on the card can grow: failed-attachment lines are what is left to drop.
  const { failedAttachments: _files, ...rest } = withoutSnippets;
  return { ...rest, sources: [] };
}

/** The asker's 👎 reasons form is the largest state the card can later be re-rendered in. */
function fitsEveryView(model: AnswerCardModel, budget: number): boolean {
  return utf16Bytes(buildAnswerCard({ ...model, view: 'reasons', viewer: 'asker', feedbackProblem: LONGEST_FEEDBACK_PROBLEM })) <= budget;
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
  const shortened = cutAtBoundary(markdown, targetLength);
  if (shortened === markdown) return markdown;
  // An unclosed code fence would swallow the truncation notice's neighbours; close it.
  const fences = (shortened.match(/^(```|~~~)/gm) ?? []).length;
  return fences % 2 === 1 ? `${shortened}\n\`\`\`` : shortened;
}
