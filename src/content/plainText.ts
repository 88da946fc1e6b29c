/**
 * Plain-text rendering of untrusted strings (source titles, snippets, field labels, file names,
 * error messages): hidden characters removed (the one rule in ./characters), line breaks collapsed,
 * length capped. Cards show the result only as TextRuns, which no renderer parses as markdown.
 */
import { stripHidden } from './characters';
import { withoutMarkerCharacters } from './citationMarkers';
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

/** Removes hidden characters, lone surrogates and citation-marker characters (they mean nothing here); keeps line breaks and tabs. */
export function withoutHiddenCharacters(raw: string): string {
  return withoutMarkerCharacters(stripHidden(raw.normalize('NFC')));
}

/** One line of text: hidden characters removed, every run of whitespace (line breaks included) one space, capped. */
export function plainLine(raw: unknown, maxLength: number): string {
  if (typeof raw !== 'string') return '';
  return capText(withoutHiddenCharacters(raw).replace(/\s+/gu, ' ').trim(), maxLength);
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
