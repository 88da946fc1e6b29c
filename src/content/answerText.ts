/**
 * Q's answer text before any heavy work: caps (length, lines, nesting) applied first, hidden
 * characters stripped once, then one `marked` parse with a guard on the inline parser, whose cost
 * grows with the square of the emphasis and bracket characters in a paragraph (40,000 characters of
 * `*a` take seconds). What comes out is a token tree the card builder maps to elements that no
 * Teams client parses as markdown; nothing here re-serialises markdown.
 */
import { Lexer, type Token } from 'marked';
import { stripHidden } from './characters';

/** Caps applied before parsing: a Teams card cannot show more than about 18,000 characters anyway. */
export const ANSWER_LIMITS = {
  characters: 20_000,
  lines: 300,
  /** Leading spaces kept on a line: four list levels. Teams shows no deeper nesting. */
  indent: 8,
  quoteDepth: 4,
  /** Characters that open inline constructs, per paragraph; above this the paragraph is shown as plain text. */
  inlineSyntax: 200,
} as const;

export interface PreparedAnswer {
  text: string;
  /** True when a cap cut something off (the card then says the answer was shortened). */
  cut: boolean;
}

const DEEP_QUOTE = new RegExp(`^(\\s*(?:>\\s*){${ANSWER_LIMITS.quoteDepth}})(?:>\\s*)+`);
const INLINE_SYNTAX = /[*_~`[\]<>!\\&]/g;

/** Caps, line endings and hidden characters: linear, and the only pass over the raw text. */
export function prepareAnswerText(raw: unknown): PreparedAnswer {
  if (typeof raw !== 'string' || raw.length === 0) return { text: '', cut: false };
  let cut = false;
  let text = raw.length > ANSWER_LIMITS.characters * 2 ? ((cut = true), raw.slice(0, ANSWER_LIMITS.characters * 2)) : raw;
  text = stripHidden(text.replace(/\r\n?/g, '\n'));
  if (text.length > ANSWER_LIMITS.characters) {
    cut = true;
    const end = text.lastIndexOf('\n', ANSWER_LIMITS.characters);
    text = text.slice(0, end > ANSWER_LIMITS.characters * 0.8 ? end : ANSWER_LIMITS.characters);
  }
  let lines = text.split('\n');
  if (lines.length > ANSWER_LIMITS.lines) {
    cut = true;
    lines = lines.slice(0, ANSWER_LIMITS.lines);
  }
  return { text: boundedNesting(lines).join('\n'), cut };
}

/** Outside code fences: indentation beyond the cap and quote markers beyond the cap are dropped. */
function boundedNesting(lines: string[]): string[] {
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      return line;
    }
    if (fence) return line;
    return line
      .replace(/^[ \t]+/, (indent) => (indent.replace(/\t/g, '    ').length > ANSWER_LIMITS.indent ? ' '.repeat(ANSWER_LIMITS.indent) : indent))
      .replace(DEEP_QUOTE, '$1');
  });
}

/**
 * The token tree of prepared answer text: blocks as `marked` reads them; a paragraph, heading or
 * cell with more inline syntax than the cap becomes one plain text token instead of being parsed.
 */
export function answerTokens(prepared: string): Token[] {
  const lexer = new Lexer({ gfm: true });
  const tokens = lexer.blockTokens(prepared, []);
  // marked queues every inline source while it reads blocks; we run the queue ourselves.
  for (const pending of lexer.inlineQueue) {
    const syntax = pending.src.match(INLINE_SYNTAX)?.length ?? 0;
    if (syntax > ANSWER_LIMITS.inlineSyntax) pending.tokens.push({ type: 'text', raw: pending.src, text: pending.src, escaped: true } as Token);
    else lexer.inlineTokens(pending.src, pending.tokens);
  }
  lexer.inlineQueue.length = 0;
  return tokens;
}
