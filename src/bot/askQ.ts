/**
 * The ask step of the answer loop: one turn sent to Amazon Q Business in the person's Q
 * conversation. Reads the conversation pointer, calls Q (ChatSync or Chat, as the presenter
 * chooses), starts over when Q no longer has the conversation, and stores the new pointer.
 * Returns what Q said or why it did not; presenting it is the caller's job.
 */
import type { TurnContext } from 'botbuilder';
import { QFailure } from '../model/failure';
import { IdentityFailure } from '../identity/identityFailure';
import type { AskOutcome, AskRequest, ConversationPointer, QInput } from '../services/qbusinessService';
import type { AskingUser } from '../services/qbusinessClients';
import type { ConversationStore } from './stores';

/** How this turn reaches Q: ChatSync for a card reply, Chat for a stream. */
export type CallQ = (request: AskRequest) => Promise<AskOutcome>;

export interface AskTurn {
  user: AskingUser;
  /** What Q gets: the question, or the question plus thread context. */
  prompt: string;
  /** Instead of a question: a reviewed plugin action or a plugin sign-in, in a given conversation. */
  input?: Exclude<QInput, { question: string }>;
  conversation?: ConversationPointer;
  attachments?: Array<{ name: string; data: Uint8Array }>;
}

export type AskResult =
  | { kind: 'answered'; outcome: AskOutcome; /** Q had lost the conversation: this answer starts a new one. */ restarted: boolean }
  | { kind: 'failed'; error: QFailure | IdentityFailure };

export async function askQ(context: TurnContext, conversations: ConversationStore, turn: AskTurn, callQ: CallQ): Promise<AskResult> {
  const teamsConversationId = context.activity.conversation.id;
  const { user } = turn;
  let restarted = false;
  let outcome: AskOutcome;
  try {
    outcome = turn.input
      ? await callQ({ user, ...turn.input, ...(turn.conversation ? { conversation: turn.conversation } : {}) })
      : await askContinuingConversation(conversations, teamsConversationId, turn, callQ, () => {
          restarted = true;
        });
  } catch (error) {
    if (error instanceof IdentityFailure || error instanceof QFailure) return { kind: 'failed', error };
    throw error;
  }
  await conversations.set(teamsConversationId, user.key, { conversationId: outcome.conversationId, parentMessageId: outcome.systemMessageId });
  return { kind: 'answered', outcome, restarted };
}

/** Asks within the user's current Q conversation; if Q has lost it, asks again in a new one. */
async function askContinuingConversation(conversations: ConversationStore, teamsConversationId: string, turn: AskTurn, callQ: CallQ, onRestart: () => void): Promise<AskOutcome> {
  const { user, prompt: question } = turn;
  const conversation = await conversations.get(teamsConversationId, user.key);
  const files = turn.attachments?.length ? { attachments: turn.attachments } : {};
  try {
    return await callQ({ user, question, ...files, ...(conversation ? { conversation } : {}) });
  } catch (error) {
    if (!(error instanceof QFailure) || error.kind !== 'conversationGone') throw error;
    await conversations.clear(teamsConversationId, user.key);
    onRestart();
    return callQ({ user, question, ...files });
  }
}
