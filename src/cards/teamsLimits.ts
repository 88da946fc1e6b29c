/**
 * Keeps answer cards inside the limit of the surface they go to: Teams refuses a message above
 * roughly 40 KB counted as UTF-16 (413 MessageSizeTooBig), and a message extension result card
 * above 28 KB. The budget is a parameter; the card gets it minus room for the envelope botbuilder
 * adds (ids, conversation, service URL, entities). Every part of the card that can be long is
 * capped or shortened, not only the answer body.
 *
 * Sanitise once, then fit: the answer is parsed and turned into elements once; the search adds up
 * the measured size of whole blocks, and only the one block that straddles the limit is rendered
 * again (on its own) while it is cut.
 */
import type { Source } from '../domain/answer';
import { itemsBytes, largestFitting, shortenAtBoundary as cutAtBoundary, SURFACE_BUDGETS, utf16Bytes, type Surface } from '../content/sizeBudget';
import { answerCardWith, citationTargets, type AnswerCardModel } from './answerCard';
import { renderAnswer, type AnswerBlock } from './markdown';
import type { AdaptiveCardJson, CardElement } from './types';

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
 * longest run of whole answer blocks that fits, plus as much of the next block (cut at a line break
 * or space) as still fits. When even no answer text leaves the rest too big, snippets go first, then
 * sources from the end. Sets `truncated` on the returned model so later re-renders keep the same text.
 */
export function fitAnswerToTeams(model: AnswerCardModel, budget: number = CARD_BUDGET_UTF16_BYTES): { model: AnswerCardModel; card: AdaptiveCardJson } {
  const capped: AnswerCardModel = { ...model, sources: capSources(model.sources) };
  const citations = citationTargets(capped.sources);
  const rendered = renderAnswer(capped.markdown, citations);
  const elements = rendered.blocks.flatMap((block) => block.elements);
  // A cap cut the answer before it was parsed: the stored text is what was rendered.
  const whole: AnswerCardModel = rendered.cut ? { ...capped, markdown: rendered.text, truncated: true } : capped;
  const blockBytes = rendered.blocks.map((block) => itemsBytes(block.elements));
  const answerBytes = blockBytes.reduce((sum, bytes) => sum + bytes, 0);
  if (largestViewBytes(whole) + answerBytes <= budget) return { model: whole, card: answerCardWith(whole, elements) };

  const truncated = { ...whole, truncated: true };
  const frame = frameThatFits(truncated, (candidate) => largestViewBytes(candidate) <= budget);
  let room = budget - largestViewBytes(frame);
  const kept: AnswerBlock[] = [];
  let blockIndex = 0;
  for (; blockIndex < rendered.blocks.length && (blockBytes[blockIndex] as number) <= room; blockIndex += 1) {
    room -= blockBytes[blockIndex] as number;
    kept.push(rendered.blocks[blockIndex] as AnswerBlock);
  }
  const keptEnd = kept.at(-1)?.end ?? 0;
  let markdown = rendered.text.slice(0, keptEnd);
  const keptElements = kept.flatMap((block) => block.elements);
  // The block that straddles the limit: the longest part of it (rendered on its own) that still fits.
  const straddling = rendered.text.slice(keptEnd, rendered.blocks[blockIndex]?.end ?? keptEnd);
  if (straddling.trim()) {
    const part = partThatFits(straddling, blockBytes[blockIndex] as number, room, (text) => renderAnswer(text, citations).blocks.flatMap((block) => block.elements));
    if (part) {
      markdown += part.text;
      keptElements.push(...part.elements);
    }
  }
  const fitted = { ...frame, markdown: markdown.trimEnd() };
  return { model: fitted, card: answerCardWith(fitted, keptElements) };
}

/**
 * The longest start of one block's text that fits in `room`, found with few renders: a first guess
 * in proportion to the sizes, then shorter by a fifth each time (at most MAX_PART_RENDERS renders,
 * each of no more than the block), instead of a binary search that renders the block a dozen times.
 */
function partThatFits(text: string, bytes: number, room: number, render: (text: string) => CardElement[]): { text: string; elements: CardElement[] } | undefined {
  let length = Math.floor((text.length * room) / Math.max(bytes, 1));
  for (let attempt = 0; attempt < MAX_PART_RENDERS && length > 0; attempt += 1, length = Math.floor(length * 0.8)) {
    const part = shortenAtBoundary(text, length);
    const elements = render(part);
    if (itemsBytes(elements) <= room) return { text: part, elements };
  }
  return undefined;
}
const MAX_PART_RENDERS = 4;

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

/** The card's frame in its largest state (the asker's 👎 reasons form with a problem shown), without answer text. */
function largestViewBytes(model: AnswerCardModel): number {
  return utf16Bytes(answerCardWith({ ...model, view: 'reasons', viewer: 'asker', feedbackProblem: LONGEST_FEEDBACK_PROBLEM }, []));
}
const LONGEST_FEEDBACK_PROBLEM = 'x'.repeat(300);

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
