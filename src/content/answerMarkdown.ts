/**
 * Makes Q's answer markdown safe to show: every link that survives (inline, autolink, bare URL,
 * image) points to an allowed target in canonical form, every other link becomes its text,
 * reference-style links stay literal text, raw HTML and reference definitions are removed, and bidi overrides and
 * controls are dropped. Links are found with `marked`'s lexer (the same parser the card builder
 * uses), edited in the source text, and the result is parsed again to check it; text that still
 * fails the check is shown fully escaped. A last textual guard breaks any `](` or `<scheme:` with a
 * disallowed target, for renderers that parse markdown differently from `marked`.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { HIDDEN_IN_PROSE } from './characters';
import { decideLink, markdownLinkTo, safeLink, type SafeLink } from './links';
import { escapeMarkdown, plainLine } from './plainText';

const LINK_TEXT_MAX_LENGTH = 300;
const MAX_PASSES = 3;
// Teams flattens nesting anyway; hundreds of levels only cost parse time (quadratic in marked).
const MAX_INDENT = 16;
const MAX_QUOTE_DEPTH = 8;
const DEEP_QUOTE = new RegExp(`^(\\s*(?:>\\s*){${MAX_QUOTE_DEPTH}})(?:>\\s*)+`);

interface Edit {
  raw: string;
  replacement: string;
}

export function sanitiseAnswerMarkdown(markdown: unknown): string {
  if (typeof markdown !== 'string' || markdown.length === 0) return '';
  let text = withBoundedNesting(markdown.replace(/\r\n?/g, '\n').replace(HIDDEN_IN_PROSE, ''));
  // One pass puts every link in canonical form; more only if rewriting exposed something new.
  text = rewriteLinks(text);
  for (let pass = 1; pass < MAX_PASSES && !hasOnlySafeLinks(text); pass += 1) text = rewriteLinks(text);
  text = guardAgainstOtherParsers(text);
  return hasOnlySafeLinks(text) ? text : fullyEscaped(text);
}

/** Outside code fences: indentation beyond MAX_INDENT and quote markers beyond MAX_QUOTE_DEPTH are dropped. */
function withBoundedNesting(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (marker && (!fence || marker.startsWith(fence))) {
        fence = fence ? undefined : marker;
        return line;
      }
      if (fence) return line;
      return line.replace(/^[ \t]+/, (indent) => (indent.length > MAX_INDENT ? ' '.repeat(MAX_INDENT) : indent)).replace(DEEP_QUOTE, '$1');
    })
    .join('\n');
}

/** A link in canonical form: escaped plain text, the canonical target, and the host when the text names another place. */
export function markdownLink(text: string, link: SafeLink): string {
  const label = plainLine(text, LINK_TEXT_MAX_LENGTH) || link.host;
  const shown = namesAnotherPlace(label, link) ? `${label} (${link.host})` : label;
  return markdownLinkTo(escapeMarkdown(shown), link);
}

/** Every link target `marked` finds in the text, images included: what the tests and the guard check. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  const visit = (token: Token): void => {
    if (token.type === 'link' || token.type === 'image') targets.push((token as Tokens.Link).href);
    children(token).forEach(visit);
  };
  new Lexer({ gfm: true }).lex(markdown).forEach(visit);
  return targets;
}

function hasOnlySafeLinks(markdown: string): boolean {
  let safe = true;
  const visit = (token: Token): void => {
    if (!safe) return;
    if (token.type === 'image' || (token.type === 'html' && token.raw.trim()) || token.type === 'def') safe = false;
    else if (token.type === 'link' && !decideLink((token as Tokens.Link).href).ok) safe = false;
    else children(token).forEach(visit);
  };
  new Lexer({ gfm: true }).lex(markdown).forEach(visit);
  return safe;
}

function rewriteLinks(markdown: string): string {
  return new Lexer({ gfm: true })
    .lex(markdown)
    .map((block) => {
      const edits: Edit[] = [];
      collectEdits(block, edits);
      return edits.length === 0 ? block.raw : applyEdits(block.raw, edits);
    })
    .join('');
}

function collectEdits(token: Token, edits: Edit[]): void {
  switch (token.type) {
    case 'link':
    case 'image':
      edits.push({ raw: token.raw, replacement: rewriteLink(token as Tokens.Link | Tokens.Image) });
      return;
    case 'html': {
      const html = token as Tokens.HTML;
      // Inline tags vanish (their text stays); an HTML block shows as its text.
      edits.push({ raw: html.raw, replacement: html.block ? withTrailingBreaks(html.raw, escapeMarkdown(stripTags(html.raw).trim())) : '' });
      return;
    }
    case 'def':
      // The lexer has already resolved reference links through it: the definition line goes.
      edits.push({ raw: token.raw, replacement: '' });
      return;
    case 'code':
    case 'codespan':
      return;
    default:
      children(token).forEach((child) => collectEdits(child, edits));
  }
}

function rewriteLink(token: Tokens.Link | Tokens.Image): string {
  // A reference-style link takes its target from a definition anywhere in the text: a document
  // could turn the citation marker "[1]" into a link. They stay as the literal text.
  if (/^!?\[/.test(token.raw) && !token.raw.endsWith(')')) return escapeMarkdown(token.raw);
  const text = token.type === 'image' ? token.text : plainTextOf(token.tokens ?? []) || token.text;
  const link = safeLink(token.href);
  if (link) return markdownLink(text, link);
  const isBare = token.type === 'link' && (token.raw === token.text || token.raw === `<${token.text}>`);
  return escapeMarkdown(plainLine(isBare ? defang(text) : text, LINK_TEXT_MAX_LENGTH));
}

/** Applies edits in document order; a raw that cannot be found (the lexer normalised it) escapes the whole block. */
function applyEdits(raw: string, edits: Edit[]): string {
  let output = '';
  let cursor = 0;
  for (const edit of edits) {
    const at = raw.indexOf(edit.raw, cursor);
    if (at === -1) return fullyEscaped(raw);
    output += raw.slice(cursor, at) + edit.replacement;
    cursor = at + edit.raw.length;
  }
  return output + raw.slice(cursor);
}

/**
 * Renderers disagree about markdown edge cases. Whatever `marked` thinks, a `](` followed by a
 * target with a disallowed scheme, and a `<scheme:` autolink with one, are broken with an escape.
 */
function guardAgainstOtherParsers(markdown: string): string {
  return markdown
    // A lookahead, so that every `](` is judged on its own, even inside another's target.
    .replace(/\]([ \t]*\n?[ \t]*)\((?=\s*<?\s*([^\s)>]*))/g, (match: string, gap: string, target: string) => (looksLikeScheme(target) && !decideLink(target).ok ? `]${gap}\\(` : match))
    .replace(/(^|[^\\])<([a-z][a-z0-9+.-]{1,31}:)/gi, (match: string, before: string, scheme: string) =>
      /^(https?|mailto):$/i.test(scheme) ? match : `${before}\\<${scheme}`,
    );
}

function looksLikeScheme(target: string): boolean {
  // A scheme (anywhere: parsers skip junk differently), an entity, an escape or an absolute path.
  return /[:&\\%]/.test(target) || target.startsWith('/');
}

/** The last resort: every line escaped and every URL-shaped run defanged, so nothing parses as a link. */
function fullyEscaped(markdown: string): string {
  return escapeMarkdown(defang(stripTags(markdown)));
}

/** `https://evil.example` → `https[:]//evil[.]example`: readable, and no linkifier takes it. */
function defang(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*):/gi, '$1[:]')
    .replace(/\b(www)\./gi, '$1[.]')
    .replace(/@/g, '[@]')
    .replace(/([a-z0-9-])\.([a-z]{2,})/gi, '$1[.]$2');
}

function plainTextOf(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'html') return '';
      if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length) return plainTextOf(token.tokens as Token[]);
      return 'text' in token && typeof token.text === 'string' ? token.text : '';
    })
    .join('');
}

function children(token: Token): Token[] {
  const found: Token[] = [];
  if ('tokens' in token && Array.isArray(token.tokens)) found.push(...(token.tokens as Token[]));
  if (token.type === 'list') found.push(...(token as Tokens.List).items);
  if (token.type === 'table') {
    const table = token as Tokens.Table;
    for (const cell of [...table.header, ...table.rows.flat()]) found.push(...cell.tokens);
  }
  return found;
}

/** Link text that looks like a URL or domain naming a different host: show the real host after it. */
function namesAnotherPlace(label: string, link: SafeLink): boolean {
  if (label.endsWith(`(${link.host})`)) return false;
  const named = /(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})/i.exec(label)?.[1]?.toLowerCase();
  return named !== undefined && named !== link.host && !link.host.endsWith(`.${named}`);
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

function withTrailingBreaks(raw: string, replacement: string): string {
  return replacement + (/\n*$/.exec(raw)?.[0] ?? '');
}
