/**
 * The link policy: which strings from Q (source URLs, links in answers and snippets, plugin
 * sign-in URLs) may become a link target on a card or in a message. Only `https:`, `http:`
 * (intranets) and `mailto:` targets with a clean, parseable host and no user info pass; the
 * result carries a canonical `href` (markdown-breaking characters percent-encoded, so it stays inert
 * even where a target is written into text) and the ASCII (punycode) host to show beside the link.
 */
import { domainToASCII } from 'node:url';
import { NOT_IN_LINKS } from './characters';

export type LinkScheme = 'https' | 'http' | 'mailto';

export interface SafeLink {
  /** The target to put on the card: normalised by the WHATWG URL parser, markdown-breaking characters percent-encoded. */
  href: string;
  /** The host (or mail domain) in ASCII, punycode for internationalised names. */
  host: string;
  scheme: LinkScheme;
}

export type LinkRefusalKind = 'empty' | 'too-long' | 'characters' | 'scheme' | 'unparseable' | 'userinfo' | 'host';

export type LinkDecision = { ok: true; link: SafeLink } | { ok: false; kind: LinkRefusalKind };

/** Longer targets are refused: browsers cope, but a card's budget and a person's reading do not. */
export const MAX_LINK_LENGTH = 2048;

const SCHEME = /^(https?|mailto):/i;
const WEB_AUTHORITY = /^https?:\/\/[^/?#]/i;
// Hosts the URL parser leaves us: ASCII labels or a bracketed IPv6 literal.
const ASCII_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/;
const IPV6_HOST = /^\[[0-9a-f:.]+\]$/;
const MAIL_LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/;
// Characters that end or confuse a markdown link destination, or start HTML: always percent-encoded.
const MARKDOWN_BREAKERS = /[()[\]<>"'`\\{}|^ ]/g;

export function decideLink(raw: unknown): LinkDecision {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, kind: 'empty' };
  if (raw.length > MAX_LINK_LENGTH) return { ok: false, kind: 'too-long' };
  // Backslashes are folded into slashes by some parsers and not others: never guess.
  if (NOT_IN_LINKS.test(raw) || raw.includes('\\')) return { ok: false, kind: 'characters' };
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase() as LinkScheme | undefined;
  if (!scheme) return { ok: false, kind: 'scheme' };
  // `https:/x` and `https:///x` are repaired into `https://x/` by WHATWG parsers only: refuse.
  if (scheme !== 'mailto' && !WEB_AUTHORITY.test(raw)) return { ok: false, kind: 'unparseable' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, kind: 'unparseable' };
  }
  return scheme === 'mailto' ? mailLink(url) : webLink(url, scheme);
}

/** The target, or nothing: for callers that show plain text when a link is refused. */
export function safeLink(raw: unknown): SafeLink | undefined {
  const decision = decideLink(raw);
  return decision.ok ? decision.link : undefined;
}

/** A target for a button that opens a sign-in page: https only, same rules otherwise. */
export function safeHttpsLink(raw: unknown): SafeLink | undefined {
  const link = safeLink(raw);
  return link?.scheme === 'https' ? link : undefined;
}

function webLink(url: URL, scheme: LinkScheme): LinkDecision {
  // `https://corp.example@evil.example` reads as corp.example and goes to evil.example.
  if (url.username || url.password) return { ok: false, kind: 'userinfo' };
  const host = url.hostname.toLowerCase();
  if (!host || !(ASCII_HOST.test(host) || IPV6_HOST.test(host))) return { ok: false, kind: 'host' };
  // The authority is already canonical (punycode, no user info); only path, query and fragment can hold `)` or `<`.
  const href = `${url.protocol}//${url.host}${encodeForMarkdown(`${url.pathname}${url.search}${url.hash}`)}`;
  return { ok: true, link: { href, host, scheme } };
}

function mailLink(url: URL): LinkDecision {
  // mailto: has no authority; the address is the path (percent-encoded by the parser).
  let address: string;
  try {
    address = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, kind: 'unparseable' };
  }
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = at > 0 ? domainToASCII(address.slice(at + 1)) : '';
  if (at <= 0 || !MAIL_LOCAL_PART.test(local) || address.includes(',')) return { ok: false, kind: 'unparseable' };
  if (!domain || !ASCII_HOST.test(domain) || !domain.includes('.')) return { ok: false, kind: 'host' };
  if (NOT_IN_LINKS.test(address)) return { ok: false, kind: 'characters' };
  // Drop headers (?subject=, ?cc=, ?body=): a document should not pre-fill a mail to someone else.
  return { ok: true, link: { href: encodeForMarkdown(`mailto:${local}@${domain}`), host: domain, scheme: 'mailto' } };
}

function encodeForMarkdown(href: string): string {
  return href.replace(MARKDOWN_BREAKERS, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
