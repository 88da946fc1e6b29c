/**
 * What the content-injection suite checks on every activity the bot sends: the message fits
 * Teams' limit, the card is valid Adaptive Card 1.5, every link target is allowed, nothing hidden
 * (bidi overrides, zero-width) is shown, and each source line points to its own URL only.
 */
import { SURFACE_BUDGETS, utf16Bytes } from '../../src/content/sizeBudget';
import { safeHttpsLink, safeLink } from '../../src/content/links';
import { DOCUMENT_MARKER } from '../../localdev/qbusiness/hostileDocuments';
import { libraryErrors, schemaErrors } from './cardValidation';
import { isAllowedTarget, markdownLinkTargets, type HostileDocument } from './hostileContent';
import { naiveLinkTargets } from './naiveMarkdown';

// The one hidden-character rule's always-removed characters (bidi, zero-width, word joiners, BOM, tags, variation selectors).
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\u2060-\u2064\uFEFF\uFE00-\uFE0D\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/u;

/** Problems found in one sent activity (empty when it is safe). */
export function activityProblems(body: Record<string, any>, budget = SURFACE_BUDGETS.message): string[] {
  const problems: string[] = [];
  const size = utf16Bytes(body);
  if (size > budget) problems.push(`activity is ${size} bytes (limit ${budget})`);
  // Message text (streamed updates, the final streamed message) is parsed as markdown by every client.
  if (typeof body.text === 'string') problems.push(...markdownProblems(body.text, 'text'));
  for (const attachment of (body.attachments ?? []) as Array<Record<string, any>>) {
    if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') continue;
    problems.push(...adaptiveCardProblems(attachment.content));
  }
  return problems;
}

/** Schema, library validation, and every content check, for one Adaptive Card. */
export function adaptiveCardProblems(card: unknown): string[] {
  return [...schemaErrors(card).map((error) => `schema: ${error}`), ...libraryErrors(card).map((error) => `adaptivecards: ${error}`), ...cardProblems(card)];
}

/**
 * A string some renderer parses as markdown: no link under CommonMark (`marked`) nor under the naive
 * parser, whatever its target (the bot writes no links in markdown; its links are TextRun actions),
 * and no hidden characters.
 */
export function markdownProblems(markdown: string, where: string): string[] {
  const problems: string[] = [];
  for (const target of markdownLinkTargets(markdown)) problems.push(`${where}: CommonMark link to ${target.slice(0, 80)}`);
  for (const target of naiveLinkTargets(markdown)) problems.push(`${where}: naive-parser link to ${target.slice(0, 80)}`);
  if (HIDDEN.test(markdown)) problems.push(`${where}: hidden characters`);
  return problems;
}

/** Card fields renderers parse as markdown (or that are button captions): never document text. */
const MARKDOWN_FIELDS: Array<{ where: (element: Record<string, any>) => boolean; key: string }> = [
  { where: (element) => element.type === 'TextBlock', key: 'text' },
  { where: (element) => element.type === 'Input.Toggle', key: 'title' },
  { where: (element) => typeof element.type === 'string' && element.type.startsWith('Input.'), key: 'errorMessage' },
  { where: (element) => typeof element.type === 'string' && element.type.startsWith('Input.'), key: 'label' },
  { where: (element) => element.type === 'Fact', key: 'title' },
  { where: (element) => element.type === 'Fact', key: 'value' },
  { where: (element) => typeof element.type === 'string' && element.type.startsWith('Action.'), key: 'title' },
];

function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, parentType?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item, parentType));
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, any>;
    // FactSet facts carry no type of their own.
    const typed = parentType === 'FactSet' && element.type === undefined ? { ...element, type: 'Fact' } : element;
    for (const field of MARKDOWN_FIELDS) {
      const value = typed[field.key];
      if (!field.where(typed) || typeof value !== 'string') continue;
      problems.push(...markdownProblems(value, `${typed.type}.${field.key}`));
      if (value.includes(DOCUMENT_MARKER)) problems.push(`${typed.type}.${field.key} holds document text: ${value.slice(0, 80)}`);
    }
    if (element.type === 'Action.OpenUrl' && !isAllowedTarget(String(element.url))) problems.push(`OpenUrl to ${String(element.url).slice(0, 80)}`);
    if (element.type === 'TextRun' && typeof element.text === 'string' && HIDDEN.test(element.text)) problems.push('TextRun: hidden characters');
    if (element.type === 'TextRun' && typeof element.text === 'string' && /[\uE000\uE001]/.test(element.text)) problems.push('TextRun: a citation marker character shown');
    // What a person reads in inputs; choice values go back to Q untouched and are never shown.
    for (const key of ['placeholder', 'value']) {
      if (element.type === 'Input.Text' && typeof element[key] === 'string' && HIDDEN.test(element[key])) problems.push(`${element.type} ${key}: hidden characters`);
    }
    for (const value of Object.values(element)) walk(value, typeof element.type === 'string' ? element.type : parentType);
  };
  walk(card);
  return problems;
}

interface SourceLine {
  number: number;
  text: string;
  links: string[];
}

/** Each source line on an answer card, in order: the RichTextBlock opening each source entry, its text and link targets. */
export function sourceLines(card: Record<string, any>): SourceLine[] {
  const body = (card.body ?? []) as Array<Record<string, any>>;
  const start = body.findIndex((element) => element.type === 'TextBlock' && element.text === '**Sources**');
  if (start === -1) return [];
  const lines: SourceLine[] = [];
  const collect = (element: Record<string, any>): void => {
    if (element.type !== 'Container') return;
    const first = element.items?.[0];
    const inlines = (first?.inlines ?? []) as Array<Record<string, any>>;
    const text = inlines.map((run) => String(run.text)).join('');
    if (first?.type === 'RichTextBlock' && /^\d+\. /.test(text)) {
      lines.push({ number: Number(/^(\d+)\. /.exec(text)?.[1]), text, links: inlines.filter((run) => run.selectAction).map((run) => String(run.selectAction.url)) });
    } else (element.items ?? []).forEach(collect);
  };
  body.slice(start + 1).forEach(collect);
  return lines;
}

/**
 * Citation markers in the answer: a linked "[n]" run opens source n's own link, and a document
 * that says how many markers its segments make (`markers`) gets exactly that many "[n]" runs in
 * bold: a "[2]" written in the text is never shown as a citation.
 */
export function citationRunProblems(card: Record<string, any>, document: HostileDocument): string[] {
  const body = (card.body ?? []) as Array<Record<string, any>>;
  const sourcesAt = body.findIndex((element) => element.type === 'TextBlock' && element.text === '**Sources**');
  const runs: Array<Record<string, any>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, any>;
    if (element.type === 'TextRun' && /^\[\d+\]$/.test(String(element.text))) runs.push(element);
    else Object.values(element).forEach(walk);
  };
  walk(sourcesAt === -1 ? body : body.slice(0, sourcesAt));
  const links = new Map(sourceLines(card).map((line) => [line.number, line.links[0]]));
  const problems: string[] = [];
  for (const run of runs) {
    const number = Number(String(run.text).slice(1, -1));
    if (run.selectAction && run.selectAction.url !== links.get(number)) problems.push(`marker ${run.text} opens ${String(run.selectAction.url)}, not source ${number}'s own link`);
  }
  const markers = runs.filter((run) => run.weight === 'Bolder' && run.selectAction).length;
  if (document.markers !== undefined && markers !== document.markers) problems.push(`${markers} linked bold citation markers on the card, the bot placed ${document.markers}`);
  return problems;
}

/** Problems with the source lines: each links to its own URL only (or nowhere when that URL is refused), with the host beside it. */
export function sourceLineProblems(card: Record<string, any>, document: HostileDocument): string[] {
  const problems: string[] = [];
  const lines = sourceLines(card);
  if (lines.length === 0) problems.push('no source line');
  for (const { number, text, links } of lines) {
    const own = document.sources ? `${document.url}/${number}` : document.url;
    const expected = safeLink(own);
    if (!expected && links.length > 0) problems.push(`source ${number} links to ${links[0]} though its URL is refused`);
    if (expected && (links.length !== 1 || links[0] !== expected.href)) problems.push(`source ${number} links to ${JSON.stringify(links)}, not its own ${expected.href}`);
    if (expected && !text.endsWith(` · ${expected.host}`)) problems.push(`source ${number} does not end with its host ${expected.host}`);
  }
  return problems;
}

/** The plugin sign-in button, if any, must open an https URL the policy allows: the document's own. */
export function signInProblems(card: Record<string, any>, document: HostileDocument): string[] {
  const buttons = ((card.actions ?? []) as Array<Record<string, any>>).filter((action) => action.type === 'Action.OpenUrl');
  const expected = safeHttpsLink(document.url);
  if (!expected) return buttons.length ? [`sign-in button to ${buttons[0]?.url} though the URL is refused`] : [];
  return buttons.length === 1 && buttons[0]?.url === expected.href ? [] : [`sign-in buttons ${JSON.stringify(buttons.map((button) => button.url))}, expected ${expected.href}`];
}
