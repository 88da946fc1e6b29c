/**
 * Text from Q or a person that may reach a log line (error messages, file names): one line, no
 * hidden characters (no forged log lines), capped, with anything shaped like a credential
 * redacted. Question and answer text never goes to logs at all; this is for the rest.
 */
import { stripHidden } from './characters';
import { safeLink } from './links';
import { capText } from './sizeBudget';

const LOG_TEXT_MAX_LENGTH = 200;

const CREDENTIAL_SHAPES: RegExp[] = [
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, // JWTs
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bBearer\s+\S+/gi,
  /\b(?:token|secret|password|signature|sig|code|assertion)=[^\s&]+/gi,
  // Long base64 runs (keys, refresh tokens); dashes left out so request ids and UUIDs stay readable.
  /[A-Za-z0-9+/]{40,}={0,2}/g,
];

export function logSafeText(raw: unknown, maxLength = LOG_TEXT_MAX_LENGTH): string {
  if (typeof raw !== 'string') return '';
  let text = stripHidden(raw).replace(/\s+/gu, ' ').trim();
  for (const shape of CREDENTIAL_SHAPES) text = text.replace(shape, '[redacted]');
  return capText(text, maxLength);
}

/** Where a URL points, for a log line: scheme and host only (paths and queries can carry tokens). */
export function logSafeUrl(raw: unknown): string {
  const link = safeLink(raw);
  return link ? `${link.scheme}://${link.host}` : '[refused url]';
}
