/**
 * The growing text of a streamed answer, made safe to show at any moment: never half a word,
 * a code block before it is complete, half a table row or heading, an unclosed `**` or backtick,
 * or a dangling link. What is shown only ever grows (each update starts with the previous one, as
 * Teams requires), since every cut falls before text still arriving. Headings become bold lines,
 * as on the answer card.
 *
 * Streamed text is message text, which every Teams client parses as markdown, so it carries no
 * links at all: a link shows as its words (the final card has the real, checked links), link
 * syntax that survives is broken apart so no parser — CommonMark or one that ignores escapes —
 * reads it as a link, and bare addresses are defanged. Caps and the hidden-character rule are the
 * final card's (../content/answerText).
 */
import { prepareAnswerText } from '../content/answerText';

export function streamableMarkdown(received: string): string {
  let text = received;
  // Half a word: wait for the rest of it.
  if (!/\s$/.test(text)) text = text.slice(0, lastWhitespace(text) + 1);
  // A line still being written that is a fence, a table row or a heading: wait for its end.
  const lastLineStart = text.lastIndexOf('\n', text.length - 2) + 1;
  if (!text.endsWith('\n') && /^\s*(```|~~~|\||#)/.test(text.slice(lastLineStart))) text = text.slice(0, lastLineStart);
  // A code block still being written appears once it is complete.
  const fences = [...text.matchAll(/^[ \t]*(```|~~~)/gm)];
  if (fences.length % 2 === 1) text = text.slice(0, (fences.at(-1) as RegExpMatchArray).index);
  else text = withoutOpenInlineConstructs(text);
  return withoutLinks(prepareAnswerText(text.trimEnd()).text.replace(/^#{1,6}[ \t]+(.+)$/gm, '**$1**'));
}

/** Every way text can become a link, undone: linear regular expressions, applied in one pass each. */
export function withoutLinks(text: string): string {
  return (
    text
      // Inline links and images: their words only (one level of parentheses in the target).
      .replace(/!?\[([^[\]\n]*)\][ \t]*\((?:[^()\n]|\([^()\n]*\))*\)/g, '$1')
      // Reference definitions go; reference links then have nothing to point at.
      .replace(/^[ \t]{0,3}\[[^\]\n]+\]:.*$/gm, '')
      // Autolinks lose their brackets (then are defanged below); other tags vanish.
      .replace(/<([a-z][a-z0-9+.-]{1,31}:[^<>\s]*)>/gi, '$1')
      .replace(/<\/?[a-z][^<>\n]*>/gi, '')
      // Whatever link syntax is left (nested, escaped, entity-encoded): "](" and "<scheme:" are broken apart.
      .replace(/\][ \t]*(\n?)[ \t]*\(/g, '] $1(')
      .replace(/<(?=[a-z][a-z0-9+.-]*:)/gi, '< ')
      // Bare URLs, www. names and addresses: linkifiers take them, so they are defanged.
      .replace(/\b([a-z][a-z0-9+.-]{1,31}):\/\//gi, '$1[:]//')
      .replace(/\b(www)\./gi, '$1[.]')
      .replace(/([\w.+-])@([\w-]+)\.([a-z]{2,})/gi, '$1[@]$2[.]$3')
  );
}

function lastWhitespace(text: string): number {
  for (let index = text.length - 1; index >= 0; index -= 1) if (/\s/.test(text.charAt(index))) return index;
  return -1;
}

/** In the paragraph being written: cut before an unclosed `**`, backtick, link or tag. */
function withoutOpenInlineConstructs(text: string): string {
  const paragraphStart = Math.max(0, text.lastIndexOf('\n\n') + 2);
  let paragraph = text.slice(paragraphStart);
  const cuts: number[] = [];
  const bold = [...paragraph.matchAll(/\*\*/g)];
  if (bold.length % 2 === 1) cuts.push((bold.at(-1) as RegExpMatchArray).index as number);
  const ticks = [...paragraph.matchAll(/`/g)];
  if (ticks.length % 2 === 1) cuts.push((ticks.at(-1) as RegExpMatchArray).index as number);
  // `[text`, `[text]` or `[text](url` not yet closed.
  const link = /\[[^\]\n]*(\](\([^)\n]*)?)?$/.exec(paragraph.trimEnd());
  if (link && !/\)$/.test(link[0])) cuts.push(link.index);
  // An HTML tag or autolink still being written (`<a href=…`, `<javascript:…`): shown text must only grow.
  const tag = /<[^>\n]*$/.exec(paragraph);
  if (tag) cuts.push(tag.index);
  if (cuts.length) paragraph = paragraph.slice(0, Math.min(...cuts));
  return text.slice(0, paragraphStart) + paragraph;
}
