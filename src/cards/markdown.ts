/**
 * Q's answer as Adaptive Card structure, not re-serialised markdown: the answer is parsed once
 * (../content/answerText: caps first, then `marked`) and every token becomes an element whose text
 * no Teams client parses as markdown — paragraphs and list items are `RichTextBlock`s of
 * `TextRun`s (bold, italic, strikethrough, monospace), headings are bold larger runs, tables the
 * 1.5 `Table`, fenced code Teams' `CodeBlock` (monospace runs as the fallback). A link is a run
 * with an `Action.OpenUrl` only when its target passes the link policy, and its words are honest
 * (../content/honestLinks). Citation markers are runs of their own, linked to their source.
 */
import type { Token, Tokens } from 'marked';
import { answerTokens, prepareAnswerText } from '../content/answerText';
import { CITATION_MARKER, isMarkerCharacter, isMarkerLabel, markerLabel, markersAsLabels, withoutMarkerCharacters } from '../content/citationMarkers';
import { honestLabel } from '../content/honestLinks';
import { safeLink, type SafeLink } from '../content/links';
import { capText } from '../content/sizeBudget';
import { linkRun, richTextBlock, textRun, type RunStyle, type TextRun } from './richText';
import type { CardElement } from './types';

/** Where citation markers point: source number → its URL (already checked, or not linked). */
export type CitationTargets = ReadonlyMap<number, string>;

export interface AnswerBlock {
  elements: CardElement[];
  /** Offset just after this block in `RenderedAnswer.text`. */
  end: number;
}

export interface RenderedAnswer {
  /** The answer text after the caps: what the blocks were made from. */
  text: string;
  blocks: AnswerBlock[];
  /** A cap cut the answer. */
  cut: boolean;
}

const LINK_TEXT_MAX_LENGTH = 300;
const MAX_LIST_DEPTH = 4;
const MAX_TABLE_COLUMNS = 12;
const INDENT = '\u00A0\u00A0\u00A0\u00A0';
const CODE_LANGUAGE = /^[A-Za-z0-9+#._-]{1,24}$/;

/**
 * `citations` given: `markdown` is a cited answer (../cards/citations placed its markers). Absent:
 * the text holds no markers of ours (a partial answer, an expert's words), so their characters go.
 */
export function renderAnswer(markdown: string, citations?: CitationTargets): RenderedAnswer {
  const prepared = prepareAnswerText(citations ? markdown : withoutMarkerCharacters(markdown));
  const context: Context = { citations: resolveCitations(citations ?? new Map()) };
  const blocks: AnswerBlock[] = [];
  let end = 0;
  for (const token of answerTokens(prepared.text)) {
    if (token.type === 'list') {
      // Each item is a block of its own: the size search then cuts between items, never re-rendering the list.
      const list = token as Tokens.List;
      const start = end;
      list.items.forEach((item, index) => {
        end += item.raw.length;
        const elements = listItemElements(list, item, index, context, 0);
        if (elements.length > 0) blocks.push({ elements, end });
      });
      end = start + token.raw.length;
      if (blocks.length > 0) (blocks.at(-1) as AnswerBlock).end = Math.max((blocks.at(-1) as AnswerBlock).end, end);
      continue;
    }
    end += token.raw.length;
    const elements = blockToElements(token, context, 0);
    if (elements.length > 0) blocks.push({ elements, end });
    else if (blocks.length > 0) (blocks.at(-1) as AnswerBlock).end = end;
  }
  return { text: prepared.text, blocks, cut: prepared.cut };
}

export function markdownToCardElements(markdown: string, citations?: CitationTargets): CardElement[] {
  return renderAnswer(markdown, citations).blocks.flatMap((block) => block.elements);
}

/** The answer's first words as plain text (citation markers left out): for previews. */
export function answerPlainText(markdown: string, maxCharacters: number): string {
  let text = '';
  const collect = (node: unknown): void => {
    if (text.length > maxCharacters || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(collect);
    const element = node as Record<string, unknown>;
    if (element.type === 'TextRun' && !isMarkerLabel(String(element.text))) text += String(element.text);
    else if (element.type === 'CodeBlock') text += ` ${String(element.codeSnippet)} `;
    else if (element.type !== 'CodeBlock') for (const [key, value] of Object.entries(element)) if (key !== 'fallback' && key !== 'selectAction') collect(value);
    if (element.type === 'RichTextBlock') text += ' ';
  };
  // With targets (none needed): markers become runs of their own, which are left out above.
  collect(markdownToCardElements(markdown, new Map()));
  return capText(text.replace(/\s+/g, ' ').trim(), maxCharacters);
}

interface Context {
  citations: Map<number, SafeLink>;
}

function resolveCitations(citations: CitationTargets): Map<number, SafeLink> {
  const links = new Map<number, SafeLink>();
  for (const [number, url] of citations) {
    const link = safeLink(url);
    if (link) links.set(number, link);
  }
  return links;
}

function blockToElements(token: Token, context: Context, depth: number): CardElement[] {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      const size = heading.depth <= 2 ? 'Medium' : undefined;
      return paragraph(inlineRuns(heading.tokens, context, { weight: 'Bolder', ...(size ? { size } : {}) }), { spacing: 'Medium' });
    }
    case 'paragraph':
      return paragraph(inlineRuns((token as Tokens.Paragraph).tokens, context, {}));
    case 'text': {
      const text = token as Tokens.Text;
      return paragraph(text.tokens ? inlineRuns(text.tokens, context, {}) : plainRuns(text.text, context, {}));
    }
    case 'list':
      return listElements(token as Tokens.List, context, depth);
    case 'table':
      return [tableElement(token as Tokens.Table, context)];
    case 'code':
      return [codeBlock(token as Tokens.Code)];
    case 'blockquote': {
      const items = (token as Tokens.Blockquote).tokens.flatMap((inner) => blockToElements(inner, context, depth));
      return items.length ? [{ type: 'Container', style: 'emphasis', items }] : [];
    }
    case 'html':
      return paragraph(plainRuns(stripTags((token as Tokens.HTML).text), context, {}));
    case 'hr':
    case 'space':
    case 'def':
      return [];
    default:
      return 'raw' in token && typeof token.raw === 'string' ? paragraph(plainRuns(token.raw, context, {})) : [];
  }
}

function paragraph(runs: TextRun[], extra: Record<string, unknown> = {}): CardElement[] {
  const trimmed = trimRuns(runs);
  return trimmed.length ? [richTextBlock(trimmed, extra)] : [];
}

/** One RichTextBlock per list item: a bullet or number the bot writes, indented by depth. */
function listElements(list: Tokens.List, context: Context, depth: number): CardElement[] {
  return list.items.flatMap((item, index) => listItemElements(list, item, index, context, depth));
}

function listItemElements(list: Tokens.List, item: Tokens.ListItem, index: number, context: Context, depth: number): CardElement[] {
  const elements: CardElement[] = [];
  const level = Math.min(depth, MAX_LIST_DEPTH - 1);
  const bullet = list.ordered ? `${Number(list.start || 1) + index}.` : level % 2 === 0 ? '•' : '◦';
  const marker = textRun(`${INDENT.repeat(level)}${bullet} ${item.task ? (item.checked ? '☑ ' : '☐ ') : ''}`);
  let first = true;
  for (const child of item.tokens) {
    if (child.type === 'list') {
      elements.push(...listElements(child as Tokens.List, context, depth + 1));
    } else if ((child.type === 'text' || child.type === 'paragraph') && first) {
      const text = child as Tokens.Text;
      elements.push(richTextBlock([marker, ...trimRuns(text.tokens ? inlineRuns(text.tokens, context, {}) : plainRuns(text.text, context, {}))], { spacing: 'Small' }));
      first = false;
    } else if (child.type !== 'checkbox' && child.type !== 'space') {
      const inner = blockToElements(child, context, depth + 1);
      if (first && inner.length) elements.push(richTextBlock([marker], { spacing: 'Small' }));
      first = false;
      elements.push(...inner);
    }
  }
  if (first) elements.push(richTextBlock([marker], { spacing: 'Small' }));
  return elements;
}

function tableElement(table: Tokens.Table, context: Context): CardElement {
  const columns = Math.min(table.header.length, MAX_TABLE_COLUMNS);
  const cell = (content: Tokens.TableCell | undefined, isHeader: boolean): CardElement => ({
    type: 'TableCell',
    items: [richTextBlock(trimRuns(content ? inlineRuns(content.tokens, context, isHeader ? { weight: 'Bolder' } : {}) : []))],
  });
  const row = (cells: Tokens.TableCell[], isHeader: boolean): CardElement => ({ type: 'TableRow', cells: Array.from({ length: columns }, (_, index) => cell(cells[index], isHeader)) });
  return {
    type: 'Table',
    gridStyle: 'accent',
    firstRowAsHeader: true,
    columns: Array.from({ length: columns }, () => ({ width: 1 })),
    rows: [row(table.header, true), ...table.rows.map((cells) => row(cells, false))],
  };
}

function codeBlock(code: Tokens.Code): CardElement {
  const language = code.lang?.trim().split(/\s+/)[0];
  return {
    type: 'CodeBlock',
    codeSnippet: textRun(markersAsLabels(code.text)).text,
    ...(language && CODE_LANGUAGE.test(language) ? { language } : {}),
    // Hosts without CodeBlock: one monospace run per line, each its own block so line breaks stay.
    fallback: {
      type: 'Container',
      style: 'emphasis',
      items: markersAsLabels(code.text).split('\n').map((line) => richTextBlock([textRun(line || ' ', { fontType: 'Monospace' })], { spacing: 'None' })),
    },
  };
}

/** Inline tokens as runs: styles accumulate down the tree; links only through the link policy. */
function inlineRuns(tokens: Token[], context: Context, style: RunStyle): TextRun[] {
  const runs: TextRun[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'strong':
        runs.push(...inlineRuns((token as Tokens.Strong).tokens, context, { ...style, weight: 'Bolder' }));
        break;
      case 'em':
        runs.push(...inlineRuns((token as Tokens.Em).tokens, context, { ...style, italic: true }));
        break;
      case 'del':
        runs.push(...inlineRuns((token as Tokens.Del).tokens, context, { ...style, strikethrough: true }));
        break;
      case 'codespan':
        runs.push(textRun(markersAsLabels(decodeEntities((token as Tokens.Codespan).text)), { ...style, fontType: 'Monospace' }));
        break;
      case 'br':
        runs.push(textRun('\n', style));
        break;
      case 'link':
        runs.push(...linkRuns(token as Tokens.Link, context, style));
        break;
      case 'image':
        // Images are not shown (a tracking pixel, a spoofed picture): their words stay as text.
        runs.push(...plainRuns((token as Tokens.Image).text, context, style));
        break;
      case 'html':
        break;
      case 'checkbox':
        break;
      case 'text': {
        const text = token as Tokens.Text;
        runs.push(...(text.tokens ? inlineRuns(text.tokens, context, style) : plainRuns(text.text, context, style)));
        break;
      }
      case 'escape':
        runs.push(...plainRuns((token as Tokens.Escape).text, context, style));
        break;
      default:
        if ('raw' in token && typeof token.raw === 'string') runs.push(...plainRuns(token.raw, context, style));
    }
  }
  return merged(runs);
}

function linkRuns(token: Tokens.Link, context: Context, style: RunStyle): TextRun[] {
  const words = capText(markersAsLabels(plainTextOf(token.tokens ?? []) || decodeEntities(token.text)), LINK_TEXT_MAX_LENGTH).replace(/\s+/g, ' ');
  // A reference-style link takes its target from a definition anywhere in the text: shown as written.
  if (!token.raw.endsWith(')') && !token.raw.endsWith('>') && token.raw !== token.text) return plainRuns(token.raw, context, style);
  const link = safeLink(token.href);
  if (!link) return plainRuns(words, context, style);
  const label = honestLabel(words, link);
  return [...(label.before ? [textRun(label.before, style)] : []), linkRun(label.text, link, style)];
}

/**
 * Text with our citation markers split out as runs of their own, shown as "[n]" in bold and
 * linked to their source when it has a URL. A "[2]" written in the text itself is just text.
 */
function plainRuns(text: string, context: Context, style: RunStyle): TextRun[] {
  const runs: TextRun[] = [];
  let cursor = 0;
  const decoded = decodeEntities(text);
  const words = (from: number, to?: number): void => {
    // A marker cut in two by the size search leaves a stray character: never shown.
    const part = withoutMarkerCharacters(decoded.slice(from, to));
    if (part) runs.push(textRun(part, style));
  };
  for (const match of decoded.matchAll(CITATION_MARKER)) {
    const at = match.index as number;
    if (at > cursor) words(cursor, at);
    const label = markerLabel(match[1] as string);
    const link = context.citations.get(Number(match[1]));
    runs.push(link ? linkRun(label, link, { ...style, weight: 'Bolder' }) : textRun(label, { ...style, weight: 'Bolder' }));
    cursor = at + match[0].length;
  }
  if (cursor < decoded.length) words(cursor);
  return runs;
}

function plainTextOf(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'html') return '';
      if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length) return plainTextOf(token.tokens as Token[]);
      return 'text' in token && typeof token.text === 'string' ? decodeEntities(token.text) : '';
    })
    .join('');
}

/** Neighbouring runs with the same style and no action become one: fewer bytes on the card. */
function merged(runs: TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const run of runs) {
    const last = out.at(-1);
    if (last && !last.selectAction && !run.selectAction && sameStyle(last, run) && !isMarkerLabel(run.text) && !isMarkerLabel(last.text)) last.text += run.text;
    else out.push({ ...run });
  }
  return out;
}

function sameStyle(a: TextRun, b: TextRun): boolean {
  const keys: Array<keyof RunStyle> = ['weight', 'italic', 'strikethrough', 'fontType', 'size', 'isSubtle', 'color', 'highlight'];
  return keys.every((key) => a[key] === b[key]);
}

function trimRuns(runs: TextRun[]): TextRun[] {
  const out = runs.filter((run) => run.text.length > 0);
  if (out.length === 0 || out.every((run) => !run.text.trim())) return [];
  const first = out[0] as TextRun;
  const last = out.at(-1) as TextRun;
  out[0] = { ...first, text: first.text.replace(/^\s+/, '') };
  out[out.length - 1] = { ...(out.length === 1 ? (out[0] as TextRun) : last), text: (out.length === 1 ? (out[0] as TextRun).text : last.text).replace(/\s+$/, '') };
  return out.filter((run) => run.text.length > 0);
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0', colon: ':', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']' };

/** marked leaves entities in text for an HTML renderer to decode; a TextRun shows them literally, so they are decoded here. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      // Never a surrogate, and never a citation marker's character (an entity cannot forge a marker).
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && !isMarkerCharacter(code) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}
