/**
 * Ask an expert's cards: the button, the asker's dialog (exactly what will be shared), the request
 * in the experts' channel, the expert's dialog, and the expert's answer as the asker gets it. Pure
 * functions. Names, questions and the expert's text are untrusted: names and questions only ever
 * appear as RichTextBlock TextRuns (never markdown, Input titles or errorMessage); an answer's
 * markdown (Q's or the expert's) goes through the same content boundary as Q's answers
 * (markdownToCardElements: only allowed links survive, everything escaped again).
 */
import { plainLine } from '../content/plainText';
import { markdownToCardElements } from './markdown';
import { richTextBlock as richText, textRun as run } from './richText';
import { adaptiveCard, type AdaptiveCardJson, type CardAction, type CardElement } from './types';
import { VERBS } from './verbs';

const NAME_CHARS = 80;
export const QUESTION_MAX_CHARS = 2000;
export const EXPERT_ANSWER_MAX_CHARS = 8000;
const SOURCE_TITLE_CHARS = 200;

/** Opens a dialog (Teams task module): `task/fetch` with this data. */
function dialogAction(title: string, verb: string, data: Record<string, string>): CardAction {
  return { type: 'Action.Submit', title, data: { msteams: { type: 'task/fetch' }, verb, ...data } };
}

/** "Ask an expert" on a no-answer or answer card: the question travels (the asker may edit it), the answer only by key. */
export function askExpertAction(question: string, answerKey?: string): CardAction {
  return dialogAction('Ask an expert', VERBS.expertAsk, { question: plainLine(question, QUESTION_MAX_CHARS), ...(answerKey ? { answerKey } : {}) });
}

/** Teams' dialog response: a card in a task module. */
export function dialog(title: string, card: AdaptiveCardJson): { task: { type: 'continue'; value: { title: string; card: { contentType: string; content: AdaptiveCardJson } } } } {
  return { task: { type: 'continue', value: { title, card: { contentType: 'application/vnd.microsoft.card.adaptive', content: card } } } };
}

/** Teams' dialog response that closes it with a short message. */
export function dialogMessage(text: string): { task: { type: 'message'; value: string } } {
  return { task: { type: 'message', value: text } };
}

export interface AskDialogModel {
  question: string;
  askerName: string;
  /** Where it goes: the knowledge scope's name, or the deployment's experts. */
  destination: string;
  /** The asker's answer from Q can be attached (unticked by default). */
  answer?: { sourceTitles: string[] };
  answerKey?: string;
  problem?: string;
}

export function askExpertDialog(model: AskDialogModel): AdaptiveCardJson {
  const body: CardElement[] = [];
  if (model.problem) body.push(richText([run(model.problem, { color: 'Attention' })]));
  body.push(richText([run('This goes to the experts’ channel for ', { isSubtle: true }), run(plainLine(model.destination, NAME_CHARS), { weight: 'Bolder' }), run('. Everyone in that channel will see:', { isSubtle: true })]));
  body.push(richText([run('Your name: ', { isSubtle: true }), run(plainLine(model.askerName, NAME_CHARS) || 'Someone', { weight: 'Bolder' })]));
  body.push({ type: 'Input.Text', id: 'question', label: 'Your question (you can edit it)', isMultiline: true, maxLength: QUESTION_MAX_CHARS, value: plainLine(model.question, QUESTION_MAX_CHARS), isRequired: true, errorMessage: 'Please enter a question.' });
  if (model.answer) {
    body.push({ type: 'Input.Toggle', id: 'includeAnswer', title: 'Also share Q’s answer', value: 'false', valueOn: 'true', valueOff: 'false' });
    const titles = model.answer.sourceTitles.map((title) => plainLine(title, SOURCE_TITLE_CHARS)).filter(Boolean);
    body.push(richText([run('It came from documents you can access; leave this unticked unless everyone in the experts’ channel may read them.', { isSubtle: true, size: 'Small' })]));
    if (titles.length > 0) {
      body.push({ type: 'Input.Toggle', id: 'includeSources', title: 'Also share the titles of its sources', value: 'false', valueOn: 'true', valueOff: 'false' });
      body.push(richText([run('Sources: ', { isSubtle: true, size: 'Small' }), run(titles.join(' · '), { size: 'Small' })]));
    }
  }
  return adaptiveCard(body, [{ type: 'Action.Submit', title: 'Send to the experts', data: { verb: VERBS.expertAsk, ...(model.answerKey ? { answerKey: model.answerKey } : {}) } }]);
}

export interface RequestCardModel {
  requestKey: string;
  askerName: string;
  question: string;
  scopeName?: string;
  qAnswer?: { markdown: string; sources: string[] };
  answered?: { expertName: string; at: Date };
  /** Shown to an expert whose answer came too late, or who may not answer. */
  notice?: string;
}

/** The request in the experts' channel; once answered it says who answered and when, with no Answer button. */
export function expertRequestCard(model: RequestCardModel): AdaptiveCardJson {
  const body: CardElement[] = [];
  if (model.notice) body.push(richText([run(model.notice, { color: 'Attention' })]));
  body.push(richText([run('❓ ', {}), run(plainLine(model.askerName, NAME_CHARS) || 'Someone', { weight: 'Bolder' }), run(' asks the experts', { isSubtle: true }), ...(model.scopeName ? [run(' (', { isSubtle: true }), run(plainLine(model.scopeName, NAME_CHARS), { isSubtle: true }), run(')', { isSubtle: true })] : [])]));
  body.push(richText([run(plainLine(model.question, QUESTION_MAX_CHARS) || '(no question)', { italic: true })]));
  if (model.qAnswer) {
    body.push(richText([run('Amazon Q’s answer, shared by the asker:', { isSubtle: true, size: 'Small' })], { separator: true }));
    // Q's cited answer: its markers shown as [n], unlinked (the sources are listed by title below).
    body.push(...markdownToCardElements(model.qAnswer.markdown, new Map()));
    const titles = model.qAnswer.sources.map((title) => plainLine(title, SOURCE_TITLE_CHARS)).filter(Boolean);
    if (titles.length > 0) body.push(richText([run('Sources: ', { isSubtle: true, size: 'Small' }), run(titles.join(' · '), { size: 'Small' })]));
  }
  if (model.answered) {
    body.push(richText([run('✅ Answered by ', { isSubtle: true }), run(plainLine(model.answered.expertName, NAME_CHARS) || 'an expert', { weight: 'Bolder' }), run(` at ${model.answered.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`, { isSubtle: true })], { separator: true }));
    return adaptiveCard(body);
  }
  return adaptiveCard(body, [dialogAction('Answer', VERBS.expertAnswer, { requestKey: model.requestKey })]);
}

export function expertAnswerDialog(model: { question: string; askerName: string; requestKey: string; problem?: string }): AdaptiveCardJson {
  const body: CardElement[] = [];
  if (model.problem) body.push(richText([run(model.problem, { color: 'Attention' })]));
  body.push(richText([run(plainLine(model.askerName, NAME_CHARS) || 'Someone', { weight: 'Bolder' }), run(' asked:', { isSubtle: true })]));
  body.push(richText([run(plainLine(model.question, QUESTION_MAX_CHARS), { italic: true })]));
  body.push(richText([run('Your answer goes to them with your name. Markdown works; links must be https.', { isSubtle: true, size: 'Small' })]));
  body.push({ type: 'Input.Text', id: 'answer', label: 'Your answer', isMultiline: true, maxLength: EXPERT_ANSWER_MAX_CHARS, isRequired: true, errorMessage: 'Please write an answer.' });
  return adaptiveCard(body, [{ type: 'Action.Submit', title: 'Send answer', data: { verb: VERBS.expertAnswer, requestKey: model.requestKey } }]);
}

export interface ExpertAnswerModel {
  requestKey: string;
  question: string;
  expertName: string;
  markdown: string;
  rating?: 'up' | 'down';
}

/** The expert's answer as the asker sees it: marked with the expert's name, rateable once. */
export function expertAnswerCard(model: ExpertAnswerModel): AdaptiveCardJson {
  const body: CardElement[] = [
    richText([run('🧑‍🏫 Answered by ', { isSubtle: true }), run(plainLine(model.expertName, NAME_CHARS) || 'an expert', { weight: 'Bolder' }), run(' (an expert, not Amazon Q)', { isSubtle: true })]),
    richText([run('You asked: ', { isSubtle: true, size: 'Small' }), run(plainLine(model.question, QUESTION_MAX_CHARS), { italic: true, size: 'Small' })]),
    ...markdownToCardElements(model.markdown),
  ];
  if (model.rating) {
    body.push(richText([run(model.rating === 'up' ? 'You rated this answer 👍. Thank you.' : 'You rated this answer 👎. Thank you.', { isSubtle: true, size: 'Small' })], { separator: true }));
    return adaptiveCard(body);
  }
  const rate = (title: string, vote: 'up' | 'down'): CardAction => ({ type: 'Action.Execute', title, verb: VERBS.expertRate, data: { requestKey: model.requestKey, vote }, fallback: { type: 'Action.Submit', title, data: { requestKey: model.requestKey, vote, verb: VERBS.expertRate } } });
  return adaptiveCard(body, [rate('👍', 'up'), rate('👎', 'down')]);
}

/** What everyone in a channel or group chat sees of an expert's answer to someone's private question. */
export function expertAnswerPlaceholder(model: { requestKey: string; askerName: string; askerTeamsId: string; notice?: string }): AdaptiveCardJson {
  const name = plainLine(model.askerName, NAME_CHARS) || 'Someone';
  const body: CardElement[] = [];
  if (model.notice) body.push(richText([run(model.notice, { color: 'Attention', size: 'Small' })]));
  body.push(richText([run('🔒 An expert answered ', { isSubtle: true }), run(name, { weight: 'Bolder' }), run('’s question. Only they can see the answer.', { isSubtle: true })]));
  const show: CardAction = { type: 'Action.Execute', title: 'Show me the answer', verb: VERBS.expertShow, data: { requestKey: model.requestKey }, fallback: { type: 'Action.Submit', title: 'Show me the answer', data: { requestKey: model.requestKey, verb: VERBS.expertShow } } };
  return { ...adaptiveCard(body, [show]), refresh: { action: { type: 'Action.Execute', title: 'Show my view', verb: VERBS.expertShow, data: { requestKey: model.requestKey } }, userIds: [model.askerTeamsId] } };
}
