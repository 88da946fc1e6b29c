/**
 * Plain-text rendering of untrusted strings (source titles, snippets, field labels, file names,
 * error messages): hidden characters removed, line breaks collapsed, length capped, and markdown
 * escaped where the text goes into a markdown TextBlock or message, so it shows as written and
 * can never become a link, a list or emphasis.
 */
import { stripHidden } from './characters';
import { capText } from './sizeBudget';

/** Caps per kind of field, in UTF-16 code units. */
export const TEXT_LIMITS = {
  title: 160,
  snippet: 300,
  fieldLabel: 100,
  fieldValue: 500,
  fileName: 120,
  errorMessage: 300,
  host: 253,
} as const;

/** Removes hidden characters and lone surrogates; keeps line breaks and tabs. */
export function withoutHiddenCharacters(raw: string): string {
  return stripHidden(raw.normalize('NFC'));
}

/** One line of text: hidden characters removed, every run of whitespace (line breaks included) one space, capped. */
export function plainLine(raw: unknown, maxLength: number): string {
  if (typeof raw !== 'string') return '';
  return capText(withoutHiddenCharacters(raw).replace(/\s+/gu, ' ').trim(), maxLength);
}

// Characters that open a markdown construct anywhere in a line.
const INLINE_SYNTAX = /[\\`*_~[\]<>|]/g;
// What starts a heading, list, quote, rule or code block at the start of a line.
const LINE_START_SYNTAX = /^(\s*)([-+=#]|\d{1,9}[.)])/;

/** Escapes text for a markdown TextBlock or message: it reads exactly as written and forms no markdown. */
export function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(INLINE_SYNTAX, (character) => `\\${character}`)
        .replace(LINE_START_SYNTAX, (_match, space: string, marker: string) => `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`)
        // Bare URLs, www. names and addresses are linked by GFM renderers: an escape keeps them text.
        .replace(/:\/\//g, ':\\/\\/')
        .replace(/\b(www)\./gi, '$1\\.')
        .replace(/@/g, '\\@'),
    )
    .join('\n');
}

/** A single line for a markdown TextBlock: plain, capped, then escaped. */
export function markdownLine(raw: unknown, maxLength: number): string {
  return escapeMarkdown(plainLine(raw, maxLength));
}

/** A source title, shown as plain text beside its host. */
export function plainTitle(raw: unknown): string {
  return plainLine(raw, TEXT_LIMITS.title);
}

/**
 * A snippet as text, not markdown: fences, heading marks and table pipes that Q copies from the
 * document are dropped, then the rest is one capped line.
 */
export function plainSnippet(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const text = raw
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/\|/g, ' ');
  return plainLine(text, TEXT_LIMITS.snippet);
}
