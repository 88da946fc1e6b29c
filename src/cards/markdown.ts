/**
 * Turns Amazon Q's markdown into Adaptive Card elements that read well in Teams.
 *
 * Teams TextBlocks render only bold, italic, lists and links, so every other construct is
 * translated: headings become bold text, tables become the 1.5 `Table` element, fenced code
 * becomes Teams' `CodeBlock` (with a monospace TextBlock fallback for other hosts), nested
 * lists are flattened. Parsing is delegated to `marked`'s lexer; this module only maps tokens.
 * Q's text is untrusted: it goes through the content boundary first (only allowed link targets
 * survive), and every piece of text is escaped again on the way out, because a TextBlock parses
 * its text as markdown once more.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { sanitiseAnswerMarkdown } from '../content/answerMarkdown';
import { markdownLinkTo, safeLink } from '../content/links';
import { escapeMarkdown } from '../content/plainText';
import { textBlock, type CardElement } from './types';

const NESTED_ITEM_PREFIX = '↳ ';

export function markdownToCardElements(markdown: string): CardElement[] {
  const tokens = new Lexer({ gfm: true }).lex(sanitiseAnswerMarkdown(markdown));
  return tokens.flatMap((token) => blockToElements(token));
}

function blockToElements(token: Token): CardElement[] {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      return [textBlock(`**${inlineText(heading.tokens)}**`, { size: heading.depth <= 2 ? 'Medium' : 'Default', spacing: 'Medium' })];
    }
    case 'paragraph':
      return [textBlock(inlineText((token as Tokens.Paragraph).tokens))];
    case 'text': {
      const text = token as Tokens.Text;
      return [textBlock(text.tokens ? inlineText(text.tokens) : escapeMarkdown(text.text))];
    }
    case 'list':
      return [textBlock(listLines(token as Tokens.List, 0).join('\n'))];
    case 'table':
      return [tableElement(token as Tokens.Table)];
    case 'code':
      return [codeBlock(token as Tokens.Code)];
    case 'blockquote': {
      const quote = token as Tokens.Blockquote;
      return [{ type: 'Container', style: 'emphasis', items: quote.tokens.flatMap((inner) => blockToElements(inner)) }];
    }
    case 'html':
      return plainTextElements(stripTags((token as Tokens.HTML).text));
    case 'hr':
    case 'space':
    case 'def':
      return [];
    default:
      return 'raw' in token && typeof token.raw === 'string' ? plainTextElements(token.raw) : [];
  }
}

function plainTextElements(text: string): CardElement[] {
  const trimmed = text.trim();
  return trimmed ? [textBlock(escapeMarkdown(trimmed))] : [];
}

/** Lists flatten into one markdown list; deeper levels are marked instead of indented (Teams ignores nesting). */
function listLines(list: Tokens.List, depth: number): string[] {
  const lines: string[] = [];
  list.items.forEach((item, index) => {
    const bullet = list.ordered && depth === 0 ? `${Number(list.start || 1) + index}. ` : '- ';
    const prefix = depth > 0 ? NESTED_ITEM_PREFIX : '';
    const checkbox = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
    const ownText = item.tokens
      .filter((child) => child.type !== 'list')
      .map((child) => ('tokens' in child && child.tokens ? inlineText(child.tokens) : 'text' in child ? String(child.text) : ''))
      .join(' ')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    lines.push(`${bullet}${prefix}${checkbox}${ownText}`);
    for (const child of item.tokens) {
      if (child.type === 'list') lines.push(...listLines(child as Tokens.List, depth + 1));
    }
  });
  return lines;
}

function tableElement(table: Tokens.Table): CardElement {
  const cell = (content: Tokens.TableCell, isHeader: boolean): CardElement => ({
    type: 'TableCell',
    items: [textBlock(inlineText(content.tokens), isHeader ? { weight: 'Bolder' } : {})],
  });
  return {
    type: 'Table',
    gridStyle: 'accent',
    firstRowAsHeader: true,
    columns: table.header.map(() => ({ width: 1 })),
    rows: [
      { type: 'TableRow', cells: table.header.map((header) => cell(header, true)) },
      ...table.rows.map((row) => ({ type: 'TableRow', cells: row.map((content) => cell(content, false)) })),
    ],
  };
}

function codeBlock(code: Tokens.Code): CardElement {
  const language = code.lang?.trim().split(/\s+/)[0];
  return {
    type: 'CodeBlock',
    codeSnippet: code.text,
    ...(language ? { language } : {}),
    // Hosts without CodeBlock: one monospace line per TextBlock, since markdown folds single newlines.
    fallback: {
      type: 'Container',
      style: 'emphasis',
      items: code.text.split('\n').map((line) => textBlock(escapeMarkdown(line) || ' ', { fontType: 'Monospace', spacing: 'None' })),
    },
  };
}

/** Renders inline tokens back to the markdown subset a Teams TextBlock understands. */
function inlineText(tokens: Token[]): string {
  return withCitationMarkers(inlineTokens(tokens));
}

/**
 * Citation markers read better unescaped: "[1]" is no link in a TextBlock (it has no reference
 * definitions) unless a "(" follows it, which keeps the escapes.
 */
function withCitationMarkers(text: string): string {
  return text.replace(/\\\[(\d{1,3})\\\](?!\()/g, '[$1]');
}

function inlineTokens(tokens: Token[]): string {
  return tokens
    .map((token): string => {
      switch (token.type) {
        case 'strong':
          return `**${inlineText((token as Tokens.Strong).tokens)}**`;
        case 'em':
          return `_${inlineText((token as Tokens.Em).tokens)}_`;
        case 'link': {
          // The boundary has already made every link canonical; a target that still fails the policy shows as text.
          const link = token as Tokens.Link;
          const target = safeLink(link.href);
          return target && target.href === link.href ? markdownLinkTo(inlineText(link.tokens), target) : inlineText(link.tokens);
        }
        case 'image': {
          const image = token as Tokens.Image;
          const target = safeLink(image.href);
          return target ? markdownLinkTo(escapeMarkdown(image.text || target.host), target) : escapeMarkdown(image.text);
        }
        case 'codespan':
          return escapeMarkdown((token as Tokens.Codespan).text);
        case 'br':
          return '\n';
        case 'del':
          return inlineText((token as Tokens.Del).tokens);
        case 'html':
          return escapeMarkdown(stripTags((token as Tokens.HTML).text));
        case 'text': {
          const text = token as Tokens.Text;
          return text.tokens ? inlineText(text.tokens) : escapeMarkdown(text.text);
        }
        case 'escape':
          return escapeMarkdown((token as Tokens.Escape).text);
        default:
          return 'raw' in token && typeof token.raw === 'string' ? escapeMarkdown(token.raw) : '';
      }
    })
    .join('');
}

function stripTags(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
