/**
 * Questions as the message extension receives them: what counts as the same question (the cache
 * key), when a question typed in the compose box is complete, whether it is one Q will take, and
 * the plain text of a Teams message an action command was started on.
 */
import { Parser } from 'htmlparser2';
import { MAX_QUESTION_CHARACTERS } from './commands';

export type QuestionCheck =
  | { kind: 'question'; text: string }
  | { kind: 'emptyQuestion' }
  | { kind: 'questionTooLong'; characters: number };

/** The question as Q will get it (trimmed), or why it can't be asked. */
export function checkQuestion(raw: string | undefined): QuestionCheck {
  const text = (raw ?? '').trim();
  if (text.length === 0 || !/[\p{L}\p{N}]/u.test(text)) return { kind: 'emptyQuestion' };
  // Q counts characters as UTF-16 code units, as String.length does.
  if (text.length > MAX_QUESTION_CHARACTERS) return { kind: 'questionTooLong', characters: text.length };
  return { kind: 'question', text };
}

/**
 * Two spellings of one question share a key: case, spacing, Unicode compatibility forms and the
 * final punctuation don't change what Q is asked.
 */
export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en')
    .replace(/\s+/gu, ' ')
    .replace(/[\s?？!.。]+$/u, '')
    .trim();
}

/** A final question mark says the person has finished typing; otherwise a pause has to. */
export function endsAsQuestion(text: string): boolean {
  return /[?？]\s*$/u.test(text);
}

/** What an action command received about the message it was started on. */
export interface MessageTextResult {
  text: string;
  /** Names of files and other attachments the message carries; they are not sent to Q. */
  notIncluded: string[];
}

const BLOCK_ELEMENTS = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * The readable text of a Teams message body (HTML or text), entities decoded, block elements as
 * line breaks, @mentions kept as the name shown. Script and style contents are dropped.
 */
export function messageBodyText(content: string, contentType: string | undefined): string {
  if ((contentType ?? 'html').toLowerCase() === 'text') return tidy(content);
  let text = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style') skipping += 1;
        if (BLOCK_ELEMENTS.has(name)) text += '\n';
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style') skipping = Math.max(0, skipping - 1);
        if (BLOCK_ELEMENTS.has(name)) text += '\n';
      },
      ontext(chunk) {
        if (skipping === 0) text += chunk;
      },
    },
    { decodeEntities: true },
  );
  parser.write(content);
  parser.end();
  return tidy(text);
}

function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Teams' shape of the message an action command acts on (`value.messagePayload`), as far as used. */
export interface MessagePayloadLike {
  body?: { contentType?: string; content?: string };
  attachments?: Array<{ contentType?: string; name?: string }>;
}

const CARD_TYPES = /^application\/vnd\.microsoft\.(card\.|teams\.card)/;

/** The message's text, and the files (by name) and cards it carries that Q won't see. */
export function textOfMessage(payload: MessagePayloadLike | undefined): MessageTextResult {
  const body = payload?.body;
  const text = typeof body?.content === 'string' ? messageBodyText(body.content, body.contentType) : '';
  const notIncluded = (payload?.attachments ?? [])
    .filter((attachment) => attachment.contentType !== 'text/html' && attachment.contentType !== 'text/plain')
    .map((attachment) => {
      if (typeof attachment.name === 'string' && attachment.name.trim()) return attachment.name.trim();
      return CARD_TYPES.test(attachment.contentType ?? '') ? 'a card' : 'an attachment';
    });
  return { text, notIncluded };
}
