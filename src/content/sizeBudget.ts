/**
 * Size budgets: what each Teams surface accepts, how a payload is measured, and the generic
 * "longest part that still fits" search and cut-at-a-boundary helpers the card builders use.
 * Teams counts an activity as UTF-16 (two bytes per code unit of its JSON).
 */

/** Budgets for a whole payload, in UTF-16 bytes. */
export const SURFACE_BUDGETS = {
  /** A bot message (the whole activity): 413 MessageSizeTooBig above this. */
  message: 40 * 1024,
  /** A message extension result card (composeExtension results). */
  messageExtensionResult: 28 * 1024,
} as const;

export type Surface = keyof typeof SURFACE_BUDGETS;

export function utf16Bytes(value: unknown): number {
  return (typeof value === 'string' ? value : JSON.stringify(value) ?? '').length * 2;
}

/** What `items` add to an array they join (a card's body): each one's JSON plus the comma before it. */
export function itemsBytes(items: readonly unknown[]): number {
  return items.reduce<number>((sum, item) => sum + utf16Bytes(item) + 2, 0);
}

/** Caps text at `maxLength` code units, ending with `…`, never splitting a surrogate pair; prefers a word boundary. */
export function capText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 1) return maxLength === 1 ? '…' : '';
  let cut = maxLength - 1;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const head = text.slice(0, cut);
  const space = head.lastIndexOf(' ');
  const atWord = space > cut * 0.6 ? head.slice(0, space) : head;
  return `${atWord.trimEnd()}…`;
}

/**
 * Cuts text to at most `targetLength` code units at a line break (or else a space), never inside a
 * surrogate pair. Used for every part of a card that can be long, not only the answer body.
 */
export function shortenAtBoundary(text: string, targetLength: number): string {
  if (text.length <= targetLength) return text;
  let end = Math.max(0, targetLength);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  const head = text.slice(0, end);
  const lineBreak = head.lastIndexOf('\n');
  const space = head.lastIndexOf(' ');
  const cut = lineBreak > end * 0.6 ? lineBreak : space > 0 ? space : end;
  return head.slice(0, cut).trimEnd();
}

/**
 * The largest n in [0, upTo] with fits(n) true, assuming fits is monotonic (shorter always fits
 * if longer does); within `precision` of the exact answer. Returns -1 when even 0 does not fit.
 */
export function largestFitting(upTo: number, fits: (n: number) => boolean, precision = 16): number {
  if (fits(upTo)) return upTo;
  if (!fits(0)) return -1;
  let good = 0;
  let bad = upTo;
  while (bad - good > precision) {
    const middle = Math.floor((good + bad) / 2);
    if (fits(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
