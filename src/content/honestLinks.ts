/**
 * Honest link text: the words a person clicks must not claim a destination the link does not go
 * to. Visible text that reads as a host, a URL, an e-mail address or a citation marker — in any
 * script: compared as UTS #39 confusable skeletons (`unhomoglyph`, generated from Unicode's
 * confusables.txt) after NFKC and IDNA (`url.domainToASCII`) — gets the real target host beside it
 * unless it names that very host; a bare number is never link text.
 */
import { domainToASCII } from 'node:url';
import unhomoglyph from 'unhomoglyph';
import type { SafeLink } from './links';

export interface LinkLabel {
  /** The words to show as the link. */
  text: string;
  /** Shown as plain text in front of the link (a number or citation marker never is the link itself). */
  before?: string;
}

const CITATION_LIKE = /^[\s[(（【〔]*\p{Nd}{1,6}[\s\])）】〕]*$/u;
const HOST_LIKE = /(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]+/;
const SCHEME_LIKE = /[a-z][a-z0-9+.-]*:\/\//;

/** What is shown for a link with visible text `label` going to `link`. */
export function honestLabel(label: string, link: SafeLink): LinkLabel {
  const text = label.trim();
  if (!text) return { text: link.host };
  const seen = skeleton(text);
  // "[2]", "2", "(2)" in any digits: a citation lookalike or a number. It stays text; the link is the host.
  if (CITATION_LIKE.test(seen)) return { before: `${text} `, text: link.host };
  const looksLikePlace = HOST_LIKE.test(seen) || SCHEME_LIKE.test(seen) || seen.includes('@');
  if (!looksLikePlace) return { text };
  // Honest only when every name in the text is, in ASCII, the target host itself (or a parent of it).
  const target = link.host.replace(/\.$/, '');
  const named = namedHosts(text);
  const hostsMatch = named.length > 0 && named.every((host) => host === target || target.endsWith(`.${host}`));
  // An address in the text is honest only on a mail link to exactly that address.
  const address = link.scheme === 'mailto' ? decodeURIComponent(link.href.slice('mailto:'.length)).toLowerCase() : undefined;
  const honest = hostsMatch && (!seen.includes('@') || (address !== undefined && dotted(text).toLowerCase().trim() === address));
  return honest ? { text } : { text: `${text} (${target})` };
}

/** The UTS #39 skeleton of text, lower-cased, with NFKC first so fullwidth and one-dot-leader dots are dots. */
export function skeleton(text: string): string {
  return unhomoglyph(dotted(text)).normalize('NFKC').toLowerCase();
}

/** NFKC, and the dots IDNA treats as label separators (ideographic, halfwidth) as ".". */
function dotted(text: string): string {
  return text.normalize('NFKC').replace(/[\u3002\uFF61\uFE12]/g, '.');
}

/** Host names as written (any script), each in ASCII (punycode) as the link policy writes hosts. */
function namedHosts(text: string): string[] {
  const found = new Set<string>();
  for (const match of dotted(text).matchAll(/(?:[\p{L}\p{N}\p{M}-]+\.)+[\p{L}\p{N}\p{M}-]+/gu)) {
    found.add(domainToASCII(match[0].toLowerCase()) || `invalid:${match[0]}`);
  }
  return [...found];
}
