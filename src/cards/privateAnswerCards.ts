/**
 * Cards for answers in shared spaces (channels, group and meeting chats). A private answer is
 * posted as a placeholder that says who asked what (the question is public: it was typed there)
 * and carries only an opaque key, never answer text, source titles, URLs, snippets, plugin values
 * or file names. Teams shows the asker the real card through `refresh.userIds`; clients that do
 * not refresh get "Show me the answer". Names and questions are `TextRun`s, never markdown.
 * Pure functions.
 */
import { plainLine } from '../content/plainText';
import type { SpacePolicy } from '../domain/spacePolicy';
import { helpCard } from './messageCards';
import { VERBS } from './verbs';
import { adaptiveCard, type AdaptiveCardJson, type CardAction, type CardElement } from './types';

/** Long questions are shortened on the placeholder (the full question is in the thread above it). */
const QUESTION_SHOWN_CHARS = 500;
const NAME_CHARS = 80;

export interface PlaceholderModel {
  /** What the card's actions carry back: `{ answerKey }` or `{ actionKey }`, nothing else. */
  key: Record<string, string>;
  /** The verb that returns the asker's own view (refresh and "Show me the answer"). */
  showVerb: string;
  askedBy: string;
  /** The asker's Teams user id (`29:…`): the only person Teams refreshes the card for. */
  askerTeamsId: string;
  question: string;
  /** An answer (others may ask the same as themselves) or a plugin action waiting for review. */
  kind: 'answer' | 'pluginAction';
  /** Shown to someone who pressed a button that is not theirs. */
  notice?: string;
}

export function run(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextRun', text, ...extra };
}

export function richText(inlines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'RichTextBlock', inlines, ...extra };
}

/** A card action as Action.Execute with an Action.Submit fallback for clients without Universal Actions. */
function execute(title: string, verb: string, data: Record<string, string>, extra: Record<string, unknown> = {}): CardAction {
  return { type: 'Action.Execute', title, verb, data, ...extra, fallback: { type: 'Action.Submit', title, data: { ...data, verb } } };
}

/** What everyone in the space sees of a private answer (or plugin action). */
export function privatePlaceholderCard(model: PlaceholderModel): AdaptiveCardJson {
  const name = plainLine(model.askedBy, NAME_CHARS) || 'Someone';
  const body: CardElement[] = [];
  if (model.notice) body.push(richText([run(model.notice, { color: 'Attention', size: 'Small' })]));
  body.push(richText([run(name, { weight: 'Bolder' }), run(' asked:', { isSubtle: true })], { spacing: 'None' }));
  body.push(richText([run(plainLine(model.question, QUESTION_SHOWN_CHARS) || '(a question)', { italic: true })]));
  const what = model.kind === 'answer' ? `🔒 The answer came from documents ${name} can access, so only ${name} can see it until they share it.` : `🔒 Amazon Q prepared an action for ${name} to review. Only ${name} can see and submit it.`;
  body.push(richText([run(what, { isSubtle: true, size: 'Small' })], { separator: true }));
  const actions: CardAction[] = [execute('Show me the answer', model.showVerb, model.key)];
  if (model.kind === 'answer') {
    body.push(richText([run('Want an answer from the documents you can access? Ask it as yourself.', { isSubtle: true, size: 'Small' })], { spacing: 'Small' }));
    actions.push(execute('Ask this as me', VERBS.askAsMe, model.key));
  } else actions[0] = execute('Show me the action', model.showVerb, model.key);
  return {
    ...adaptiveCard(body, actions),
    refresh: { action: { type: 'Action.Execute', title: 'Show my view', verb: model.showVerb, data: model.key }, userIds: [model.askerTeamsId] },
  };
}

/** The asker's own view of their private answer: a line saying so, and "Share with everyone here". */
export function privateAskerView(card: AdaptiveCardJson, answerKey: string): AdaptiveCardJson {
  const note = richText([run('🔒 Only you can see this answer. Others here see that you asked, not the answer.', { isSubtle: true, size: 'Small' })], { spacing: 'None' });
  return {
    ...card,
    body: [note, ...card.body],
    actions: [...(card.actions ?? []), execute('Share with everyone here', VERBS.shareAnswer, { answerKey }, { style: 'positive' })],
  };
}

/** A shared answer, as everyone sees it: marked with who shared it. */
export function sharedByView(card: AdaptiveCardJson, sharedBy: string): AdaptiveCardJson {
  const mark = richText([run('Shared by ', { isSubtle: true, size: 'Small' }), run(plainLine(sharedBy, NAME_CHARS) || 'the person who asked', { weight: 'Bolder', size: 'Small' })], { spacing: 'None' });
  return { ...card, body: [mark, ...card.body] };
}

/** The card footer of an answer from a scoped space. */
export function scopeFooter(scopeName: string): CardElement {
  return richText([run('Searched: ', { isSubtle: true, size: 'Small' }), run(plainLine(scopeName, NAME_CHARS), { isSubtle: true, size: 'Small', weight: 'Bolder' })], { spacing: 'Small' });
}

/** What `help` adds in a shared space: what it searches, and whether answers are private. */
export function spaceHelpSection(space: { privateAnswers: boolean; scopeName?: string }): CardElement[] {
  const searches = space.scopeName ? [run('Here I search only '), run(plainLine(space.scopeName, NAME_CHARS), { weight: 'Bolder' }), run('.')] : [run('Here I search all the documents the person asking can access.')];
  const privacy = space.privateAnswers
    ? 'Answers here are private: only the person who asked sees the answer, until they choose "Share with everyone here". Anyone can ask the same question as themselves.'
    : 'Answers here are posted for everyone in this conversation.';
  return [richText(searches, { separator: true }), richText([run(privacy)])];
}

/** The help card; in a channel or group chat it also says what is searched there and whether answers are private. */
export function helpCardFor(space: SpacePolicy): AdaptiveCardJson {
  const card = helpCard();
  if (!space.shared) return card;
  return { ...card, body: [...card.body, ...spaceHelpSection({ privateAnswers: space.privateAnswers, ...(space.scope ? { scopeName: space.scope.name } : {}) })] };
}
