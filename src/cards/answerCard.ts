/**
 * The answer card: Q's answer with citation markers, numbered sources and the feedback controls.
 * A pure function of `AnswerCardModel`; every state of the feedback flow is a re-render of it.
 */
import { askExpertAction } from './expertCards';
import { FEEDBACK_COMMENT_MAX_LENGTH, FEEDBACK_REASONS, type FailedAttachment, type FeedbackState, type NegativeFeedbackReason, type Source } from '../domain/answer';
import { safeLink } from '../content/links';
import { plainLine, TEXT_LIMITS } from '../content/plainText';
import { markdownToCardElements, type CitationTargets } from './markdown';
import { linkRun, plainTextBlock, richTextBlock, textRun } from './richText';
import { scopeFooter } from './privateAnswerCards';
import { feedbackAction, submitAction } from './actions';
import { VERBS } from './verbs';
import { adaptiveCard, textBlock, type AdaptiveCardJson, type CardAction, type CardElement } from './types';

export interface AnswerCardModel {
  /** Server-side key of the stored answer; the only thing a card action carries back. */
  answerKey: string;
  /** Answer markdown with citation markers already placed. */
  markdown: string;
  sources: Source[];
  feedback: FeedbackState;
  /** The space has an experts' channel: the asker's view offers "Ask an expert" with this question. */
  askExpert?: { question: string };
  /** `reasons` shows the 👎 form in place of the vote buttons. */
  view: 'vote' | 'reasons';
  /** In channels and group chats: whose question this answers. */
  askedBy?: string;
  /**
   * In channels and group chats: the asker's Teams user id. The card then has a user-specific
   * view (Universal Actions `refresh`): the asker sees the rating controls, everyone else
   * (`viewer: 'others'`) the answer without them.
   */
  askerTeamsId?: string;
  viewer?: 'asker' | 'others';
  notice?: string;
  truncated?: boolean;
  failedAttachments?: FailedAttachment[];
  /** A problem to show next to the feedback controls (e.g. Q did not take the vote). */
  feedbackProblem?: string;
  /** The vote in `feedback` is not recorded by Q yet: it will be sent again automatically. */
  votePending?: boolean;
  /**
   * Inserted into a message by the message extension: no "New conversation" button, which only
   * means something in the chat with the bot (each extension question is its own Q conversation).
   */
  inserted?: boolean;
  /** The knowledge scope the question was asked in (src/domain/knowledgeScopes): named in the footer. */
  searchedScope?: string;
}

export const VISIBLE_SOURCES = 3;
// Q takes at most 5 files per message; more entries could only come from a misbehaving service.
const MAX_FAILED_ATTACHMENTS = 5;

const REASON_LABELS: Record<NegativeFeedbackReason, string> = {
  NOT_FACTUALLY_CORRECT: 'Not factually correct',
  INCORRECT_OR_MISSING_SOURCES: 'Incorrect or missing sources',
  NOT_HELPFUL: 'Not helpful',
  HARMFUL_OR_UNSAFE: 'Harmful or unsafe',
  NOT_COMPLETE: 'Not complete',
  NOT_CONCISE: 'Not concise',
  NOT_BASED_ON_DOCUMENTS: 'Not based on my documents',
  OTHER: 'Something else',
};

export function reasonLabel(reason: NegativeFeedbackReason): string {
  return REASON_LABELS[reason];
}

export function buildAnswerCard(model: AnswerCardModel): AdaptiveCardJson {
  return answerCardWith(model, markdownToCardElements(model.markdown, citationTargets(model.sources)));
}

/** Where each citation marker points: its source's URL. */
export function citationTargets(sources: Source[]): CitationTargets {
  return new Map(sources.filter((source) => source.url).map((source) => [source.number, source.url as string]));
}

/**
 * The answer card around answer elements already made from `model.markdown` (the size search
 * renders the answer once and reuses its elements).
 */
export function answerCardWith(model: AnswerCardModel, answerElements: CardElement[]): AdaptiveCardJson {
  const body: CardElement[] = [];
  // Names come from Teams and people: runs, never markdown.
  if (model.askedBy) body.push(richTextBlock([textRun('Answer for ', { isSubtle: true, size: 'Small' }), textRun(plainLine(model.askedBy, TEXT_LIMITS.fieldLabel), { isSubtle: true, size: 'Small', weight: 'Bolder' })], { spacing: 'None' }));
  if (model.notice) body.push(plainTextBlock(model.notice, { isSubtle: true, size: 'Small', italic: true }));
  body.push(...answerElements);
  if (model.truncated) {
    body.push(textBlock('_This answer was shortened to fit in a Teams message. Ask a narrower question for the rest._', { isSubtle: true, size: 'Small', color: 'Warning' }));
  }
  if (model.failedAttachments?.length) body.push(failedAttachmentsSection(model.failedAttachments));
  body.push(...sourcesSection(model.sources));
  if (model.searchedScope) body.push(scopeFooter(model.searchedScope));

  if (model.askerTeamsId && model.viewer === 'others') {
    body.push(plainTextBlock(`Only ${model.askedBy ? plainLine(model.askedBy, TEXT_LIMITS.fieldLabel) : 'the person who asked'} can rate this answer.`, { isSubtle: true, size: 'Small' }, { separator: true }));
    return withAskerView(adaptiveCard(body), model);
  }
  const { elements, actions } = model.view === 'reasons' ? reasonsForm(model.answerKey) : voteControls(model);
  body.push(...elements);
  if (model.feedbackProblem) body.push(plainTextBlock(plainLine(model.feedbackProblem, TEXT_LIMITS.errorMessage), { color: 'Attention', size: 'Small' }));
  // Offered with the votes and after a 👎 alike; it shares only what the asker ticks in its dialog.
  const withExpert = model.askExpert && model.view !== 'reasons' ? [...actions, askExpertAction(model.askExpert.question, model.answerKey)] : actions;
  return withAskerView(adaptiveCard(body, withExpert), model);
}

/** Teams shows refresh.userIds their own view, fetched with this Action.Execute. */
function withAskerView(card: AdaptiveCardJson, model: AnswerCardModel): AdaptiveCardJson {
  if (!model.askerTeamsId) return card;
  return { ...card, refresh: { action: { type: 'Action.Execute', title: 'Show my rating options', verb: VERBS.refreshAnswer, data: { answerKey: model.answerKey } }, userIds: [model.askerTeamsId] } };
}

function sourcesSection(sources: Source[]): CardElement[] {
  if (sources.length === 0) return [];
  const visible = sources.slice(0, VISIBLE_SOURCES).map(sourceEntry);
  const hidden = sources.slice(VISIBLE_SOURCES).map(sourceEntry);
  const section: CardElement[] = [
    textBlock('**Sources**', { separator: true, spacing: 'Medium' }),
    ...visible,
  ];
  if (hidden.length > 0) {
    section.push({ type: 'Container', id: 'more-sources', isVisible: false, items: hidden });
    section.push({
      type: 'ActionSet',
      actions: [{ type: 'Action.ToggleVisibility', title: `Show ${hidden.length} more source${hidden.length === 1 ? '' : 's'}`, targetElements: ['more-sources'] }],
    });
  }
  return section;
}

/**
 * One source: its plain-text title linked to its own URL (and nothing else), with the URL's host
 * beside it so a person sees where the link goes whatever the title claims. A URL the link
 * policy refuses leaves the title unlinked. Checked again here: stored answers predate the check.
 */
function sourceEntry(source: Source): CardElement {
  const link = safeLink(source.url);
  const title = plainLine(source.title, TEXT_LIMITS.title) || '(untitled)';
  const line = richTextBlock([textRun(`${source.number}. `), link ? linkRun(title, link) : textRun(title), ...(link ? [textRun(` · ${link.host}`, { isSubtle: true })] : [])], { spacing: 'Small' });
  const items: CardElement[] = [line];
  const details = [source.snippet ? plainLine(source.snippet, TEXT_LIMITS.snippet) : undefined, source.updatedOn ? `Updated ${plainLine(source.updatedOn, 10)}` : undefined].filter(Boolean);
  if (details.length > 0) items.push(plainTextBlock(details.join(' · '), { isSubtle: true, size: 'Small' }, { spacing: 'None' }));
  return { type: 'Container', spacing: 'Small', items };
}

function failedAttachmentsSection(failed: FailedAttachment[]): CardElement {
  return {
    type: 'Container',
    style: 'warning',
    items: [
      textBlock('**Some files could not be used**', { size: 'Small' }),
      // File names and Q's messages: runs, one block per file.
      ...failed.slice(0, MAX_FAILED_ATTACHMENTS).map((file) =>
        richTextBlock([textRun('• ', { size: 'Small' }), textRun(plainLine(file.name, TEXT_LIMITS.fileName), { size: 'Small', weight: 'Bolder' }), textRun(`: ${plainLine(file.message, TEXT_LIMITS.errorMessage)}`, { size: 'Small' })], { spacing: 'None' }),
      ),
    ],
  };
}

function voteControls(model: AnswerCardModel): { elements: CardElement[]; actions: CardAction[] } {
  const key = { answerKey: model.answerKey };
  const newConversation: CardAction[] = model.inserted ? [] : [submitAction('New conversation', VERBS.newConversation, {})];
  switch (model.feedback.vote) {
    case 'none':
      return {
        elements: [],
        actions: [
          feedbackAction('👍 Helpful', VERBS.feedbackUp, key),
          feedbackAction('👎 Not helpful', VERBS.feedbackDown, key),
          ...newConversation,
        ],
      };
    case 'up':
      return {
        elements: [model.votePending ? pendingVote('helpful') : recordedVote('You rated this answer as helpful. Thank you!')],
        actions: [feedbackAction('👎 Change to not helpful', VERBS.feedbackDown, key), ...newConversation],
      };
    case 'down':
      return {
        elements: [
          model.votePending
            ? pendingVote(`not helpful (${reasonLabel(model.feedback.reason)})`)
            : recordedVote(`You rated this answer as not helpful: ${reasonLabel(model.feedback.reason)}. Thank you!`),
        ],
        actions: [
          feedbackAction('👍 Change to helpful', VERBS.feedbackUp, key),
          feedbackAction('Change reason', VERBS.feedbackDown, key),
          ...newConversation,
        ],
      };
  }
}

/** Q could not take the vote yet; the bot keeps it and sends it again, so nobody needs to click again. */
function pendingVote(rating: string): CardElement {
  return textBlock(`⏳ You rated this answer as ${rating}. Amazon Q Business can't take ratings right now; yours will be sent automatically.`, {
    size: 'Small',
    isSubtle: true,
    separator: true,
    spacing: 'Medium',
  });
}

function recordedVote(text: string): CardElement {
  return textBlock(`✅ ${text}`, { size: 'Small', isSubtle: true, separator: true, spacing: 'Medium' });
}

function reasonsForm(answerKey: string): { elements: CardElement[]; actions: CardAction[] } {
  return {
    elements: [
      textBlock('**What was wrong with this answer?**', { separator: true, spacing: 'Medium' }),
      {
        type: 'Input.ChoiceSet',
        id: 'reason',
        label: 'Reason',
        isRequired: true,
        errorMessage: 'Pick a reason',
        style: 'compact',
        value: 'NOT_HELPFUL',
        choices: FEEDBACK_REASONS.map((reason) => ({ title: REASON_LABELS[reason], value: reason })),
      },
      {
        type: 'Input.Text',
        id: 'comment',
        label: 'Comment (optional)',
        isMultiline: true,
        maxLength: FEEDBACK_COMMENT_MAX_LENGTH,
        placeholder: 'What did you expect to find?',
      },
    ],
    actions: [
      feedbackAction('Send feedback', VERBS.feedbackSubmitNegative, { answerKey }, { associatedInputs: 'auto', style: 'positive' }),
      feedbackAction('Cancel', VERBS.feedbackCancel, { answerKey }, { associatedInputs: 'none' }),
    ],
  };
}

