/**
 * Our citation markers in answer text. They are placed by the bot (../cards/citations) from Q's
 * source attributions and written with two private-use characters around the number, so a "[2]"
 * that a document or Q itself writes stays plain text and can never pose as a citation linked to
 * one of the answer's sources. Untrusted text loses those two characters before a marker is added.
 */

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER_CHARACTERS = /[\uE000\uE001]/g;
// The same characters as numeric character references, which the markdown parser decodes (with or without the ";").
const MARKER_REFERENCES = /&#(?:0*5734[45](?![0-9])|[xX]0*[eE]00[01](?![0-9a-fA-F]));?/g;

/** Every marker in text, the number in group 1. */
export const CITATION_MARKER = /\uE000(\d{1,3})\uE001/g;

/** The marker for source `number`, as the citation placer writes it into the answer text. */
export function citationMarker(number: number): string {
  return `${OPEN}${number}${CLOSE}`;
}

/** What a person sees for a marker. */
export function markerLabel(number: number | string): string {
  return `[${number}]`;
}

/** Whether a card run's whole text is a marker's label (a marker run stays a run of its own). */
export function isMarkerLabel(text: string): boolean {
  return /^\[\d+\]$/.test(text);
}

/** Untrusted text with the marker characters removed, typed or as references: it can then hold no marker of ours. */
export function withoutMarkerCharacters(untrusted: string): string {
  const typed = untrusted.includes(OPEN) || untrusted.includes(CLOSE) ? untrusted.replace(MARKER_CHARACTERS, '') : untrusted;
  return typed.includes('&#') ? typed.replace(MARKER_REFERENCES, '\uFFFD') : typed;
}

/** Text for a place that shows no marker runs (code, link words): markers as their labels, strays removed. */
export function markersAsLabels(text: string): string {
  return withoutMarkerCharacters(text.replace(CITATION_MARKER, (_, number: string) => markerLabel(number)));
}

/** Whether a code point is one of the marker characters (an entity must not decode to one). */
export function isMarkerCharacter(codePoint: number): boolean {
  return codePoint === OPEN.codePointAt(0) || codePoint === CLOSE.codePointAt(0);
}
