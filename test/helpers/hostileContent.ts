/**
 * The hostile document shapes of the local Q (localdev/qbusiness/hostileDocuments.ts) plus the
 * checks every piece of shown content must pass: the corpus for the sanitiser's unit tests and
 * the content-injection suite.
 */
import { Lexer, type Token } from 'marked';
import { HOSTILE_DOCUMENTS, type HostileDocument } from '../../localdev/qbusiness/hostileDocuments';
import { decideLink } from '../../src/content/links';

export { HOSTILE_DOCUMENTS, type HostileDocument };

/** Extra hostile URLs and strings beyond the documents: for the link policy's own tests. */
export const HOSTILE_URLS = [
  ...HOSTILE_DOCUMENTS.map((document) => document.url).filter((url): url is string => typeof url === 'string' && url !== 'https://intranet.example.com/it/password-reset' && url !== 'https://evil.example/reset'),
  'JAVASCRIPT:alert(1)',
  'javascript://%0Aalert(1)',
  '\u0000javascript:alert(1)',
  'data:image/svg+xml,<svg onload=alert(1)>',
  'blob:https://intranet.example.com/1234',
  'about:blank',
  'chrome://settings',
  'tel:+15555550100',
  'sms:+15555550100',
  'intent://scan/#Intent;scheme=zxing;end',
  'https://user:pass@intranet.example.com/',
  'https://intranet.example.com\u2028.evil.example/',
  'https://intranet.example.com/\u200Bx',
  'https://[::g]/',
  'https://',
  'https:',
  'https:/evil.example',
  'https:///evil.example',
  'http://intranet.example.com:99999/',
  '//evil.example/protocol-relative',
  'mailto:',
  'mailto:@evil.example',
  'mailto:a,b@evil.example',
];

/** Every link target `marked` finds in a piece of markdown. */
export function markdownLinkTargets(markdown: string): string[] {
  const targets: string[] = [];
  const visit = (token: Token): void => {
    if ((token.type === 'link' || token.type === 'image') && 'href' in token) targets.push(String(token.href));
    if ('tokens' in token && Array.isArray(token.tokens)) token.tokens.forEach(visit);
    if ('items' in token && Array.isArray(token.items)) token.items.forEach(visit);
    if (token.type === 'table') for (const cell of [...(token.header as Array<{ tokens: Token[] }>), ...(token.rows as Array<Array<{ tokens: Token[] }>>).flat()]) cell.tokens.forEach(visit);
  };
  new Lexer({ gfm: true }).lex(markdown).forEach(visit);
  return targets;
}

/** A link target is allowed when the link policy accepts it as it stands. */
export function isAllowedTarget(target: string): boolean {
  return decideLink(target).ok;
}
