/**
 * The bodies Teams expects back from message extension invokes, and the small cards they carry:
 * result lists (an answer, "still working", "keep typing", a problem), the SSO and sign-in
 * responses, and the action command's dialog. Pure functions: data in, JSON out.
 */
import { answerPlainText } from '../../cards/markdown';
import { inlinesText, plainTextBlock, richTextBlock, textRun } from '../../cards/richText';
import { adaptiveCard, textBlock, type AdaptiveCardJson } from '../../cards/types';
import { plainLine, withoutHiddenCharacters } from '../../content/plainText';
import { MAX_QUESTION_CHARACTERS, MESSAGE_EXTENSION_COMMANDS } from './commands';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const THUMBNAIL = 'application/vnd.microsoft.card.thumbnail';
/** Teams shows about two lines of a preview; longer text only costs bytes. */
const PREVIEW_TEXT_CHARACTERS = 200;

export interface ResultItem {
  /** The card inserted into the message being written when the person picks the item. */
  card: AdaptiveCardJson;
  /** What the result list shows. */
  preview: { title: string; text: string };
}

export interface ComposeExtensionResponse {
  composeExtension: Record<string, unknown>;
}

/** A result list (`type: result`); the playground and Teams show each item's preview. */
export function resultList(items: ResultItem[]): ComposeExtensionResponse {
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: items.map((item) => ({
        contentType: ADAPTIVE,
        content: item.card,
        preview: { contentType: THUMBNAIL, content: { title: previewLine(item.preview.title, 80), text: previewLine(item.preview.text, PREVIEW_TEXT_CHARACTERS) } },
      })),
    },
  };
}

/**
 * Ask Teams for the person's SSO token (search commands only): Teams repeats the query with it in
 * `value.authentication.token`, or shows the sign-in link when it can't get one silently.
 */
export function silentAuthResponse(signInUrl: string): ComposeExtensionResponse {
  return { composeExtension: { type: 'silentAuth', suggestedActions: { actions: [signInAction(signInUrl)] } } };
}

/** Teams' sign-in pop-up with the bot's own pages; the invoke comes back with the token in `value.state`. */
export function signInResponse(signInUrl: string): ComposeExtensionResponse {
  return { composeExtension: { type: 'auth', suggestedActions: { actions: [signInAction(signInUrl)] } } };
}

function signInAction(url: string): Record<string, string> {
  return { type: 'openUrl', value: url, title: 'Sign in to Amazon Q Business' };
}

/** A one-line status Teams shows in place of results (no item to insert). */
export function statusMessage(text: string): ComposeExtensionResponse {
  return { composeExtension: { type: 'message', text } };
}

/** Q takes longer than Teams waits: say so, and how to get the answer once it is ready. */
export function workingItem(question: string): ResultItem {
  return {
    card: adaptiveCard([
      textBlock('**Amazon Q Business is still working on this**'),
      richTextBlock([textRun('The answer to “', { isSubtle: true }), textRun(plainLine(question, 200), { isSubtle: true }), textRun('” wasn’t ready in time. Ask Q again in a moment to insert it.', { isSubtle: true })]),
    ]),
    preview: { title: '⏳ Still working on your answer…', text: 'Q needs a few more seconds. Type a space or ? in a moment and the answer appears here.' },
  };
}

/** A newer keystroke made this query stale, or the question isn't finished yet. */
export function keepTypingItem(): ResultItem {
  return {
    card: noteCard('Ask Amazon Q Business', 'Type a whole question and end it with ? to ask Q.'),
    preview: { title: 'Keep typing…', text: 'End your question with ? to ask Amazon Q Business now.' },
  };
}

export function emptyQuestionItem(): ResultItem {
  return {
    card: noteCard('Ask Amazon Q Business', 'Type a question about your company’s documents, for example: How do I request time off?'),
    preview: { title: 'Ask Amazon Q Business', text: 'Type a question about your company’s documents, for example: How do I request time off?' },
  };
}

export function questionTooLongItem(characters: number): ResultItem {
  return noticeItem('That question is too long', `Questions can be up to ${MAX_QUESTION_CHARACTERS.toLocaleString('en-US')} characters; this one has ${characters.toLocaleString('en-US')}. Shorten it.`);
}

export function unknownCommandItem(): ResultItem {
  return noticeItem('Unknown command', 'This version of the app doesn’t know that command. Update the app in Teams, or use “Ask Q”.');
}

/** A titled note as both the card and its preview. */
export function noticeItem(title: string, text: string): ResultItem {
  return { card: noteCard(title, text), preview: { title, text } };
}

/** Sign-in or Q failed: the caller's own card for the failure, previewed by its first two lines. */
export function problemItem(card: AdaptiveCardJson): ResultItem {
  const lines = card.body
    .map((element) => (element.type === 'TextBlock' && typeof element.text === 'string' ? element.text.replace(/\*\*/g, '') : element.type === 'RichTextBlock' ? inlinesText(element) : ''))
    .filter(Boolean);
  // Cleaned here as well: the action command shows the preview as its dialog text.
  return { card, preview: { title: previewLine(lines[0] ?? 'Amazon Q Business', 80), text: previewLine(lines[1] ?? '', PREVIEW_TEXT_CHARACTERS) } };
}

export interface QuestionDialogModel {
  question: string;
  /** Names of files and cards on the message that Q won't see. */
  notIncluded: string[];
  /** Shown above the box when the last submit could not be asked (empty, too long). */
  problem?: string;
}

/** Ids of the dialog's input and submit data; `submitAction` reads them back. */
export const DIALOG_FIELDS = { question: 'question', command: 'askQCommand' } as const;

/** The action command's dialog: the message's text as an editable question. */
export function questionDialog(model: QuestionDialogModel): Record<string, unknown> {
  const body = [
    textBlock('Ask Amazon Q Business about this message. Edit the question if you like: Q sees only what is in the box.', { size: 'Small', isSubtle: true }),
  ];
  if (model.problem) body.push(plainTextBlock(plainLine(model.problem, 300), { color: 'Attention' }));
  body.push({
    type: 'Input.Text',
    id: DIALOG_FIELDS.question,
    label: 'Question',
    isMultiline: true,
    isRequired: true,
    errorMessage: 'Type a question to ask.',
    maxLength: MAX_QUESTION_CHARACTERS,
    placeholder: 'What would you like to know about this message?',
    value: withoutHiddenCharacters(model.question).slice(0, MAX_QUESTION_CHARACTERS),
  });
  if (model.notIncluded.length > 0) {
    // File and card names come from the message: runs, not markdown.
    const names = model.notIncluded.slice(0, 10).map((name) => plainLine(name, 80)).join(', ');
    body.push(plainTextBlock(`Not included (Q gets the text only): ${names}${model.notIncluded.length > 10 ? ', …' : ''}`, { size: 'Small', isSubtle: true }));
  }
  const card = adaptiveCard(body, [{ type: 'Action.Submit', title: 'Ask Q', data: { [DIALOG_FIELDS.command]: MESSAGE_EXTENSION_COMMANDS.aboutMessage } }]);
  delete card.msteams; // dialogs size themselves
  return { task: { type: 'continue', value: { title: 'Ask Q about this message', width: 'medium', height: 'medium', card: { contentType: ADAPTIVE, content: card } } } };
}

/** A dialog-less answer to fetchTask or submitAction: Teams shows the text in a small dialog. */
export function dialogMessage(text: string): Record<string, unknown> {
  return { task: { type: 'message', value: text } };
}

function noteCard(title: string, text: string): AdaptiveCardJson {
  return adaptiveCard([textBlock(`**${title}**`), textBlock(text, { isSubtle: true })]);
}

/** An answer's first words for a preview: its rendered text (links as their words, citation markers gone). */
export function markdownPreview(markdown: string, maxCharacters: number): string {
  return previewLine(answerPlainText(markdown, maxCharacters * 2), maxCharacters);
}

/**
 * A preview line: Teams renders some markup in thumbnail text, so markup characters go, addresses
 * are defanged (no linkifier takes them), and hidden characters go by the one rule every surface uses.
 */
export function previewLine(text: string, maxCharacters: number): string {
  return plainLine(text, maxCharacters)
    .replace(/[<>[\]*_`~|\\]/g, '')
    .replace(/\b([a-z][a-z0-9+.-]{1,31}):\/\//gi, '$1: //')
    .replace(/\b(www)\./gi, '$1 .')
    .replace(/@/g, ' at ');
}

