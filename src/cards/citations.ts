/**
 * Places inline citation markers ([1], [2] …) into Q's answer text and builds the numbered
 * source list. Offsets come from `sourceAttributions[].textMessageSegments` and refer to the raw
 * answer text, so markers are inserted before the markdown is converted. Markers are written in
 * the bot's own form (../content/citationMarkers), and Q's text loses that form's characters, so
 * a "[2]" in the text itself stays text.
 */
import type { Source, SourceAttribution } from '../domain/answer';
import { ANSWER_LIMITS } from '../content/answerText';
import { citationMarker, withoutMarkerCharacters } from '../content/citationMarkers';
import { safeLink } from '../content/links';
import { plainSnippet, plainTitle } from '../content/plainText';

export interface CitedAnswer {
  markdown: string;
  sources: Source[];
}

const SNIPPET_MAX_LENGTH = 160;
export const MAX_CITED_SOURCES = 20;

/** Caps on what Q sends, applied before any work: more could only come from a hostile or broken service. */
export const CITATION_LIMITS = { attributions: 200, segments: 2000, markerPositions: 500 } as const;
// How far a marker may move to the end of a word: a 78,000-character "word" must not be walked per marker.
const MAX_WORD_WALK = 64;
const MAX_CITED_TEXT = 2 * ANSWER_LIMITS.characters;

export function placeCitations(fullText: string, attributions: SourceAttribution[]): CitedAnswer {
  // Text past what a card can hold is never shown: markers there would only cost time.
  const answerText = fullText.length > MAX_CITED_TEXT ? fullText.slice(0, MAX_CITED_TEXT) : fullText;
  const merged = mergeDuplicateSources(attributions.slice(0, CITATION_LIMITS.attributions));
  const lines = lineStarts(answerText);
  const fences = fencedBlocks(answerText, lines);
  let budget = CITATION_LIMITS.segments;
  const markers: Array<{ position: number; sourceIndex: number }> = [];
  merged.forEach((source, index) => {
    for (const segment of source.segments) {
      if (budget <= 0) return;
      if (!Number.isFinite(segment.endOffset)) continue;
      budget -= 1;
      markers.push({ position: markerPosition(answerText, Math.floor(segment.endOffset as number), fences, lines), sourceIndex: index });
    }
  });

  // Number sources by where they are first cited, so the reader meets [1] before [2].
  const order = [...new Set([...markers].sort((a, b) => a.position - b.position).map((m) => m.sourceIndex))];
  const ordered = new Set(order);
  merged.forEach((_, index) => {
    if (!ordered.has(index)) order.push(index);
  });
  // A card lists at most MAX_CITED_SOURCES sources: markers for the rest would point at nothing.
  order.splice(MAX_CITED_SOURCES);
  const numberOf = new Map(order.map((sourceIndex, rank) => [sourceIndex, rank + 1]));

  const numbersAt = new Map<number, Set<number>>();
  for (const marker of markers) {
    const number = numberOf.get(marker.sourceIndex);
    if (number === undefined) continue;
    const numbers = numbersAt.get(marker.position) ?? (numbersAt.size < CITATION_LIMITS.markerPositions ? new Set<number>() : undefined);
    if (!numbers) continue;
    numbers.add(number);
    numbersAt.set(marker.position, numbers);
  }
  // One pass from the start: the text between markers is copied once (linear, however many markers).
  const parts: string[] = [];
  let cursor = 0;
  for (const position of [...numbersAt.keys()].sort((a, b) => a - b)) {
    const label = [...(numbersAt.get(position) as Set<number>)].sort((a, b) => a - b).map(citationMarker).join('');
    parts.push(withoutMarkerCharacters(answerText.slice(cursor, position)));
    const before = position === 0 ? '' : answerText.charAt(position - 1);
    const spacer = position === 0 || /\s/.test(before) ? '' : ' ';
    // A marker in front of a block that opens the answer (a fence, a table) gets its own line.
    const trailer = position === 0 && /^(```|~~~|\s*\|)/.test(answerText) ? '\n\n' : '';
    parts.push(`${spacer}${label}${trailer}`);
    cursor = position;
  }
  parts.push(withoutMarkerCharacters(answerText.slice(cursor)));
  const markdown = parts.join('');

  const sources = order.map((sourceIndex, rank): Source => {
    const source = merged[sourceIndex] as SourceAttribution;
    const snippet = shortSnippet(source.snippet ?? source.segments.find((s) => s.snippet)?.snippet);
    // Titles and URLs come from document metadata anyone with write access shapes: plain text, allowed targets only.
    const link = safeLink(source.url);
    return {
      number: rank + 1,
      title: plainTitle(source.title) || link?.host || 'Untitled document',
      ...(link ? { url: link.href } : {}),
      ...(snippet ? { snippet } : {}),
      ...(source.updatedAt ? { updatedOn: source.updatedAt.toISOString().slice(0, 10) } : {}),
    };
  });
  return { markdown, sources };
}

/** The same document can be attributed several times (one per citation number); show it once. */
function mergeDuplicateSources(attributions: SourceAttribution[]): SourceAttribution[] {
  const byKey = new Map<string, SourceAttribution>();
  const sorted = [...attributions].sort((a, b) => (a.citationNumber ?? Infinity) - (b.citationNumber ?? Infinity));
  for (const attribution of sorted) {
    const key = attribution.url || attribution.documentId || attribution.title || `#${byKey.size}`;
    const existing = byKey.get(key);
    if (existing) {
      if (existing.segments.length < CITATION_LIMITS.segments) existing.segments.push(...attribution.segments.slice(0, CITATION_LIMITS.segments));
      existing.snippet ??= attribution.snippet;
      existing.updatedAt ??= attribution.updatedAt;
    } else {
      byKey.set(key, { ...attribution, segments: attribution.segments.slice(0, CITATION_LIMITS.segments) });
    }
  }
  return [...byKey.values()];
}

/**
 * Where a marker for a segment ending at `offset` goes: never inside a word, a fenced code block
 * or a table row's trailing pipe, and on the line the cited text ends on rather than the next.
 */
function markerPosition(text: string, offset: number, fences: Array<{ start: number; end: number }>, lines: number[]): number {
  let position = Math.max(0, Math.min(offset, text.length));
  const fence = fenceAround(fences, position);
  // Code can't hold a marker: cite it from the end of the text just before the block.
  if (fence) position = fence.start;
  const floor = Math.max(0, position - MAX_WORD_WALK);
  while (position > floor && /\s/.test(text.charAt(position - 1))) position -= 1;
  const ceiling = Math.min(text.length, position + MAX_WORD_WALK);
  while (position < ceiling && /[\p{L}\p{N}_]/u.test(text.charAt(position))) position += 1;
  const lineStart = lineStartOf(lines, position);
  if (position - lineStart <= 4096) {
    const line = text.slice(lineStart, position);
    if (/^\s*\|/.test(line) && line.trimEnd().endsWith('|')) position = lineStart + line.trimEnd().length - 1;
  }
  return position;
}

/** The fenced block strictly around `position`, by binary search over the blocks (sorted, disjoint). */
function fenceAround(fences: Array<{ start: number; end: number }>, position: number): { start: number; end: number } | undefined {
  let low = 0;
  let high = fences.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const block = fences[middle] as { start: number; end: number };
    if (position <= block.start) high = middle - 1;
    else if (position >= block.end) low = middle + 1;
    else return block;
  }
  return undefined;
}

/** Offsets where each line starts, in order. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The start of the line holding the character before `position` (binary search). */
function lineStartOf(starts: number[], position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= Math.max(0, position - 1)) low = middle;
    else high = middle - 1;
  }
  return position === 0 ? 0 : (starts[low] as number);
}

/** Closed fenced code blocks, found line by line (one pass). */
function fencedBlocks(text: string, starts: number[]): Array<{ start: number; end: number }> {
  const blocks: Array<{ start: number; end: number }> = [];
  let open: { start: number; marker: string } | undefined;
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? (starts[index + 1] as number) - 1 : text.length;
    const marker = /^(```|~~~)/.exec(text.slice(start, Math.min(end, start + 3)))?.[1];
    if (!marker) return;
    if (!open) open = { start, marker };
    else if (marker === open.marker) {
      blocks.push({ start: open.start, end });
      open = undefined;
    }
  });
  return blocks;
}

function shortSnippet(snippet: string | undefined): string | undefined {
  const plain = plainSnippet(snippet)
    .replace(/[*_`>]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= SNIPPET_MAX_LENGTH) return plain || undefined;
  const cut = plain.slice(0, SNIPPET_MAX_LENGTH);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 80 ? cut.lastIndexOf(' ') : SNIPPET_MAX_LENGTH).trimEnd()}…`;
}
