/**
 * Cards for everything that is not an answer: welcome, help, and each way a question can fail.
 * Pure functions: data in, card JSON out.
 */
import { USER_MESSAGE_MAX_LENGTH } from '../domain/answer';
import type { QFailure } from '../domain/failure';
import { submitAction } from './actions';
import { plainLine, TEXT_LIMITS } from '../content/plainText';
import { itemsBytes, SURFACE_BUDGETS, utf16Bytes } from '../content/sizeBudget';
import { renderAnswer } from './markdown';
import { plainTextBlock, richTextBlock, textRun } from './richText';
import { VERBS } from './verbs';
import { adaptiveCard, textBlock, type AdaptiveCardJson, type CardAction } from './types';

const HOW_TO_START = [
  '- Ask a question in plain words, for example _How do I reset my VPN token?_',
  '- Follow-up questions continue the same conversation.',
  '- In channels and group chats, @mention me; I answer in the thread, for the person who asked.',
  '- **/new** starts a new conversation; **/signout** forgets your sign-in; **help** shows this again.',
  '- Rate answers with 👍 or 👎 so your admins can improve the sources.',
].join('\n');

export function welcomeCard(): AdaptiveCardJson {
  return adaptiveCard([
    textBlock('**Hi, I answer questions from your company knowledge with Amazon Q Business.**', { size: 'Medium' }),
    textBlock('I search the documents your organisation connected to Amazon Q Business, and only the ones you are allowed to see. Every answer lists its sources so you can check them.'),
    textBlock(HOW_TO_START),
    textBlock('Answers are AI-generated and can be wrong: check the sources before you act on them.', { isSubtle: true, size: 'Small' }),
  ]);
}

export function helpCard(): AdaptiveCardJson {
  return adaptiveCard([
    textBlock('**How to use me**', { size: 'Medium' }),
    textBlock(HOW_TO_START),
    textBlock(`Questions can be up to ${USER_MESSAGE_MAX_LENGTH.toLocaleString('en-US')} characters long.`, { isSubtle: true, size: 'Small' }),
  ]);
}

export function newConversationCard(): AdaptiveCardJson {
  return adaptiveCard([textBlock('🆕 Started a new conversation. What would you like to know?')]);
}

export function questionTooLongCard(length: number): AdaptiveCardJson {
  return problemCard(
    'That question is too long',
    `Amazon Q Business accepts questions of up to ${USER_MESSAGE_MAX_LENGTH.toLocaleString('en-US')} characters; yours has ${length.toLocaleString('en-US')}. Shorten it, or split it into several questions.`,
  );
}

export function emptyAnswerCard(): AdaptiveCardJson {
  return problemCard('No answer this time', 'Amazon Q Business returned an empty answer. Try rephrasing the question or adding detail, such as a product or team name.');
}

/** Q searched and found nothing relevant: say so, and how to ask in a way that might find something. */
/** `askExpert`: the "Ask an expert" button, when the space has an experts' channel. */
export function noAnswerCard(askExpert?: CardAction): AdaptiveCardJson {
  return adaptiveCard(
    [
      textBlock('**Your company’s documents don’t cover this**'),
      textBlock('Amazon Q Business searched the documents you can see and found nothing that answers this question, so it did not guess.'),
      textBlock('- Try other words, or name the product, team or policy.\n- If it should be documented, tell the people who own that topic.', { isSubtle: true, size: 'Small' }),
    ],
    [...(askExpert ? [askExpert] : []), submitAction('New conversation', VERBS.newConversation, {})],
  );
}

/**
 * One card per failure kind: what happened, and what the user (or their admin) can do. When Q
 * failed midway through a streamed answer, `partialAnswer` (what the person already saw) stays on
 * the card above the explanation.
 */
export function failureCard(failure: QFailure, retryKey?: string, partialAnswer?: string): AdaptiveCardJson {
  if (partialAnswer?.trim()) return interruptedAnswerCard(partialAnswer, failureCard(failure, retryKey));
  const support = failure.requestId ? `Request ID for your admin: ${failure.requestId}` : undefined;
  switch (failure.kind) {
    case 'throttled':
      return problemCard(
        'Amazon Q Business is busy',
        'Too many questions are being asked right now. Wait a few seconds and try again.',
        support,
        retryKey ? [submitAction('Try again', VERBS.retryQuestion, { retryKey })] : [],
      );
    case 'accessDenied':
      return problemCard(
        'You don’t have access to Amazon Q Business',
        'Ask your admin to give your account access to this Amazon Q Business application (and check the permissions of the role the bot uses).',
        support,
      );
    case 'noLicense':
      return problemCard(
        'No Amazon Q Business subscription',
        'Your account has no Amazon Q Business subscription. Ask your admin to subscribe you to this application (Lite or Pro) in the Amazon Q Business console.',
        support,
      );
    case 'validation':
      // Q's own message can echo document or question text: plain, capped.
      return problemCard('Amazon Q Business could not take that question', { untrusted: plainLine(failure.serviceMessage, TEXT_LIMITS.errorMessage) }, support);
    case 'attachmentsDisabled':
      return problemCard('Files are turned off', 'Your admin has turned off file uploads for this Amazon Q Business application. Ask your question without the file, or ask your admin to allow uploads.', support);
    case 'notFound':
      return problemCard(
        'Amazon Q Business application not found',
        'The bot is configured with an Amazon Q Business application that does not exist in this region. Ask your admin to check AMAZON_Q_APP_ID and AMAZON_Q_REGION.',
        support,
      );
    case 'conversationGone':
    case 'unavailable':
    case 'unexpected':
      return problemCard(
        'Something went wrong',
        'Amazon Q Business could not answer just now. Try again in a moment; if it keeps happening, give your admin the request ID below.',
        support ?? 'No request ID was returned.',
        retryKey ? [submitAction('Try again', VERBS.retryQuestion, { retryKey })] : [],
      );
  }
}

// Inside Teams' 40 KB message limit, with room for the envelope.
const INTERRUPTED_CARD_BUDGET_UTF16_BYTES = SURFACE_BUDGETS.message - 4 * 1024;

function interruptedAnswerCard(partialAnswer: string, explanation: AdaptiveCardJson): AdaptiveCardJson {
  const notice = textBlock('_This answer was cut off before Amazon Q Business finished it._', { isSubtle: true, size: 'Small', color: 'Warning', separator: true });
  // Rendered once; whole blocks are kept while they fit (measured on the card itself).
  let room = INTERRUPTED_CARD_BUDGET_UTF16_BYTES - utf16Bytes({ ...explanation, body: [notice, ...explanation.body] });
  const kept = [];
  for (const block of renderAnswer(partialAnswer).blocks) {
    const bytes = itemsBytes(block.elements);
    if (bytes > room) break;
    room -= bytes;
    kept.push(...block.elements);
  }
  return { ...explanation, body: [...kept, notice, ...explanation.body] };
}

/** A problem: bot-written title and message (TextBlocks), or a message from Q shown as plain runs. */
function problemCard(title: string, message: string | { untrusted: string }, detail?: string, actions: CardAction[] = []): AdaptiveCardJson {
  const body = [textBlock(`**${title}**`, { color: 'Attention' }), typeof message === 'string' ? textBlock(message) : plainTextBlock(message.untrusted)];
  if (detail) body.push(plainTextBlock(detail, { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body, actions);
}

export function fileProblemsCard(problems: string[]): AdaptiveCardJson {
  return adaptiveCard([
    textBlock('**Some files can’t be sent to Amazon Q Business**', { color: 'Attention' }),
    // File names are the sender's, not ours: plain runs, one block per file.
    ...problems.slice(0, 10).map((problem) => richTextBlock([textRun('• '), textRun(plainLine(problem, TEXT_LIMITS.errorMessage))], { spacing: 'Small' })),
    textBlock('Nothing was sent. Remove or replace these files and ask again.', { isSubtle: true, size: 'Small' }),
  ]);
}

export function channelFilesCard(names: string[]): AdaptiveCardJson {
  return adaptiveCard([
    richTextBlock([
      textRun('I can’t open files shared here ('),
      textRun(names.slice(0, 10).map((name) => plainLine(name, TEXT_LIMITS.fileName)).join(', ')),
      textRun('): Teams gives me no download link for them in channels and group chats. Send the file to me in a 1:1 chat and ask there.'),
    ]),
  ]);
}
