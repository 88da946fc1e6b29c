/**
 * What the content-injection suite checks on every activity the bot sends: the message fits
 * Teams' limit, the card is valid Adaptive Card 1.5, every link target is allowed, nothing hidden
 * (bidi overrides, zero-width) is shown, and each source line points to its own URL only.
 */
import { SURFACE_BUDGETS, utf16Bytes } from '../../src/content/sizeBudget';
import { safeHttpsLink, safeLink } from '../../src/content/links';
import { escapeMarkdown } from '../../src/content/plainText';
import { libraryErrors, schemaErrors } from './cardValidation';
import { isAllowedTarget, markdownLinkTargets, UNGUARDED_BAD_LINK, type HostileDocument } from './hostileContent';

const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\uFEFF]/u;

/** Problems found in one sent activity (empty when it is safe). */
export function activityProblems(body: Record<string, any>, budget = SURFACE_BUDGETS.message): string[] {
  const problems: string[] = [];
  const size = utf16Bytes(body);
  if (size > budget) problems.push(`activity is ${size} bytes (limit ${budget})`);
  if (typeof body.text === 'string') problems.push(...markdownProblems(body.text, 'text'));
  for (const attachment of (body.attachments ?? []) as Array<Record<string, any>>) {
    if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') continue;
    problems.push(...schemaErrors(attachment.content).map((error) => `schema: ${error}`));
    problems.push(...libraryErrors(attachment.content).map((error) => `adaptivecards: ${error}`));
    problems.push(...cardProblems(attachment.content));
  }
  return problems;
}

function markdownProblems(markdown: string, where: string): string[] {
  const problems: string[] = [];
  for (const target of markdownLinkTargets(markdown)) if (!isAllowedTarget(target)) problems.push(`${where}: link to ${target.slice(0, 80)}`);
  if (UNGUARDED_BAD_LINK.test(markdown)) problems.push(`${where}: unguarded link ${UNGUARDED_BAD_LINK.exec(markdown)?.[0]}`);
  if (HIDDEN.test(markdown)) problems.push(`${where}: hidden characters`);
  return problems;
}

function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, any>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') problems.push(...markdownProblems(element.text, 'TextBlock'));
    if (element.type === 'Action.OpenUrl' && !isAllowedTarget(String(element.url))) problems.push(`OpenUrl to ${String(element.url).slice(0, 80)}`);
    // What a person reads; choice values go back to Q untouched and are never shown.
    const shown = element.type === 'Input.Text' ? ['label', 'placeholder', 'errorMessage', 'value'] : ['label', 'title', 'placeholder', 'errorMessage'];
    for (const key of shown) {
      if (typeof element[key] === 'string' && HIDDEN.test(element[key])) problems.push(`${element.type} ${key}: hidden characters`);
    }
    Object.values(element).forEach(walk);
  };
  walk(card);
  return problems;
}

/** The text of each source line on an answer card, in order (the first TextBlock of each source entry). */
export function sourceLines(card: Record<string, any>): string[] {
  const body = (card.body ?? []) as Array<Record<string, any>>;
  const start = body.findIndex((element) => element.type === 'TextBlock' && element.text === '**Sources**');
  if (start === -1) return [];
  const lines: string[] = [];
  const collect = (element: Record<string, any>): void => {
    if (element.type !== 'Container') return;
    const first = element.items?.[0];
    if (first?.type === 'TextBlock' && /^\d+\. /.test(first.text)) lines.push(first.text);
    else (element.items ?? []).forEach(collect);
  };
  body.slice(start + 1).forEach(collect);
  return lines;
}

/** Problems with the source lines: each links to its own URL only (or nowhere when that URL is refused), with the host beside it. */
export function sourceLineProblems(card: Record<string, any>, document: HostileDocument): string[] {
  const problems: string[] = [];
  const lines = sourceLines(card);
  if (lines.length === 0) problems.push('no source line');
  for (const line of lines) {
    const number = Number(/^(\d+)\. /.exec(line)?.[1]);
    const own = document.sources ? `${document.url}/${number}` : document.url;
    const expected = safeLink(own);
    const targets = markdownLinkTargets(line);
    if (!expected && targets.length > 0) problems.push(`source ${number} links to ${targets[0]} though its URL is refused`);
    if (expected && (targets.length !== 1 || targets[0] !== expected.href)) problems.push(`source ${number} links to ${JSON.stringify(targets)}, not its own ${expected.href}`);
    if (expected && !line.endsWith(` · ${escapeMarkdown(expected.host)}`)) problems.push(`source ${number} does not end with its host ${expected.host}`);
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
