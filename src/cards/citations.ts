/**
 * Places inline citation markers ([1], [2] …) into Q's answer text and builds the numbered
 * source list. Offsets come from `sourceAttributions[].textMessageSegments` and refer to the raw
 * answer text, so markers are inserted before the markdown is converted.
 */
import type { Source, SourceAttribution } from '../domain/answer';
import { safeLink } from '../content/links';
import { plainSnippet, plainTitle } from '../content/plainText';

export interface CitedAnswer {
  markdown: string;
  sources: Source[];
}

const SNIPPET_MAX_LENGTH = 160;
export const MAX_CITED_SOURCES = 20;

export function placeCitations(answerText: string, attributions: SourceAttribution[]): CitedAnswer {
  const merged = mergeDuplicateSources(attributions);
  const markers = merged.flatMap((source, index) =>
    source.segments
      .filter((segment) => Number.isFinite(segment.endOffset))
      .map((segment) => ({ position: markerPosition(answerText, Math.floor(segment.endOffset as number)), sourceIndex: index })),
  );

  // Number sources by where they are first cited, so the reader meets [1] before [2].
  const order = [...new Set([...markers].sort((a, b) => a.position - b.position).map((m) => m.sourceIndex))];
  merged.forEach((_, index) => {
    if (!order.includes(index)) order.push(index);
  });
  // A card lists at most MAX_CITED_SOURCES sources: markers for the rest would point at nothing.
  order.splice(MAX_CITED_SOURCES);
  const numberOf = new Map(order.map((sourceIndex, rank) => [sourceIndex, rank + 1]));

  const numbersAt = new Map<number, Set<number>>();
  for (const marker of markers) {
    if (!numberOf.has(marker.sourceIndex)) continue;
    const numbers = numbersAt.get(marker.position) ?? new Set<number>();
    numbers.add(numberOf.get(marker.sourceIndex) as number);
    numbersAt.set(marker.position, numbers);
  }
  let markdown = answerText;
  for (const position of [...numbersAt.keys()].sort((a, b) => b - a)) {
    const label = [...(numbersAt.get(position) as Set<number>)].sort((a, b) => a - b).map((n) => `[${n}]`).join('');
    const before = markdown.slice(0, position);
    const after = markdown.slice(position);
    const spacer = before.length === 0 || /\s$/.test(before) ? '' : ' ';
    // A marker in front of a block that opens the answer (a fence, a table) gets its own line.
    const trailer = before.length === 0 && /^(```|~~~|\s*\|)/.test(after) ? '\n\n' : '';
    markdown = `${before}${spacer}${label}${trailer}${after}`;
  }

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
      existing.segments = [...existing.segments, ...attribution.segments];
      existing.snippet ??= attribution.snippet;
      existing.updatedAt ??= attribution.updatedAt;
    } else {
      byKey.set(key, { ...attribution, segments: [...attribution.segments] });
    }
  }
  return [...byKey.values()];
}

/**
 * Where a marker for a segment ending at `offset` goes: never inside a word, a fenced code block
 * or a table row's trailing pipe, and on the line the cited text ends on rather than the next.
 */
function markerPosition(text: string, offset: number): number {
  let position = Math.max(0, Math.min(offset, text.length));
  const fence = fencedBlocks(text).find((block) => position > block.start && position < block.end);
  // Code can't hold a marker: cite it from the end of the text just before the block.
  if (fence) position = fence.start;
  while (position > 0 && /\s/.test(text.charAt(position - 1))) position -= 1;
  while (position < text.length && /[\p{L}\p{N}_]/u.test(text.charAt(position))) position += 1;
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  const line = text.slice(lineStart, position);
  if (/^\s*\|/.test(line) && line.trimEnd().endsWith('|')) position = lineStart + line.trimEnd().length - 1;
  return position;
}

function fencedBlocks(text: string): Array<{ start: number; end: number }> {
  const blocks: Array<{ start: number; end: number }> = [];
  const fence = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    blocks.push({ start: match.index, end: match.index + match[0].length });
  }
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
