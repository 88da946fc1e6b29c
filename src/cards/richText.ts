/**
 * Text from documents and other untrusted sources goes on cards only as `TextRun`s inside a
 * `RichTextBlock`: no Adaptive Cards host parses a TextRun as markdown (schema: "Markdown is not
 * supported"), so such text can never become a link, a list or emphasis. A link is a run with an
 * `Action.OpenUrl` whose target passed the link policy and whose text the bot chose.
 */
import type { SafeLink } from '../content/links';
import { stripHidden } from '../content/characters';
import type { CardElement } from './types';

export interface RunStyle {
  weight?: 'Bolder';
  italic?: boolean;
  strikethrough?: boolean;
  fontType?: 'Monospace';
  size?: 'Small' | 'Medium' | 'Large';
  isSubtle?: boolean;
  color?: 'Attention' | 'Warning' | 'Good' | 'Accent';
  highlight?: boolean;
}

export interface TextRun extends RunStyle {
  type: 'TextRun';
  text: string;
  selectAction?: { type: 'Action.OpenUrl'; url: string };
}

/** A run of text; hidden characters are removed here too, whatever the caller did. */
export function textRun(text: string, style: RunStyle = {}): TextRun {
  return { type: 'TextRun', text: stripHidden(text), ...style };
}

/**
 * A run that opens `link`: the only way document content becomes something to click. No action
 * title: hosts treat it as text that may be parsed, and the run's own text already names the link.
 */
export function linkRun(text: string, link: SafeLink, style: RunStyle = {}): TextRun {
  return { ...textRun(text, style), selectAction: { type: 'Action.OpenUrl', url: link.href } };
}

export function richTextBlock(inlines: TextRun[], extra: Record<string, unknown> = {}): CardElement {
  return { type: 'RichTextBlock', inlines, ...extra };
}

/** One block of plain untrusted text (already capped by the caller) in one style. */
export function plainTextBlock(text: string, style: RunStyle = {}, extra: Record<string, unknown> = {}): CardElement {
  return richTextBlock([textRun(text, style)], extra);
}

/** The visible text of a rich text block (for previews and tests). */
export function inlinesText(element: CardElement): string {
  return Array.isArray(element.inlines) ? (element.inlines as TextRun[]).map((run) => run.text).join('') : '';
}
