/**
 * The ask step of the answer loop: one turn sent to Amazon Q Business in the person's Q
 * conversation. Waits for the person's earlier questions in this chat (./conversationTurns: on any
 * instance), calls Q from the pointer they left (ChatSync, or Chat when `progress` listens),
 * starts over when Q no longer has the conversation, and leaves the new pointer for the next one.
 * Returns what Q said or why it did not; presenting it is the caller's job.
 */
import type { AskingUser } from '../../domain/askingUser';
import type { AttributeFilter } from '../../domain/knowledgeScopes';
import { QFailure } from '../../domain/failure';
import { ReplyRefusedBeforeAsking, type AskOutcome, type AskRequest, type ConversationPointer, type QAttachment, type QInput, type QProgress } from '../../domain/qTurn';
import { IdentityFailure } from '../../identity/identityFailure';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import type { ConversationTurns } from './conversationTurns';

type CallQ = (request: AskRequest) => Promise<AskOutcome>;

export interface AskTurn {
  user: AskingUser;
  /** What Q gets: the question, or the question plus thread context. */
  prompt: string;
  /** Instead of a question: a reviewed plugin action or a plugin sign-in, in a given conversation. */
  input?: Exclude<QInput, { question: string }>;
  conversation?: ConversationPointer;
  attachments?: QAttachment[];
  /** The space's knowledge scope: sent with every Q call of this turn. */
  attributeFilter?: AttributeFilter;
}

export type AskResult =
  | { kind: 'answered'; outcome: AskOutcome; /** Q had lost the conversation: this answer starts a new one. */ restarted: boolean }
  | { kind: 'failed'; error: QFailure | IdentityFailure }
  /** Teams refused the streamed reply's first update: Q was not asked, and the conversation is as it was. */
  | { kind: 'notAsked' };

export async function askQ(q: QBusinessService, turns: ConversationTurns, teamsConversationId: string, turn: AskTurn, progress?: QProgress): Promise<AskResult> {
  const { user } = turn;
  const scoped = turn.attributeFilter ? { attributeFilter: turn.attributeFilter } : {};
  const callQ: CallQ = (request) => q.ask({ ...request, ...scoped }, progress);
  let restarted = false;
  try {
    const outcome = await turns.run(teamsConversationId, user.key, async (pointer) => {
      const asked = turn.input
        ? await callQ({ user, ...turn.input, ...(turn.conversation ? { conversation: turn.conversation } : {}) })
        : await askContinuingConversation(pointer, turn, callQ, () => {
            restarted = true;
          });
      return { value: asked, pointer: { conversationId: asked.conversationId, parentMessageId: asked.systemMessageId } };
    });
    return { kind: 'answered', outcome, restarted };
  } catch (error) {
    if (error instanceof IdentityFailure || error instanceof QFailure) return { kind: 'failed', error };
    if (error instanceof ReplyRefusedBeforeAsking) return { kind: 'notAsked' };
    throw error;
  }
}

/** Asks within the user's current Q conversation; if Q has lost it, asks again in a new one. */
async function askContinuingConversation(conversation: ConversationPointer | undefined, turn: AskTurn, callQ: CallQ, onRestart: () => void): Promise<AskOutcome> {
  const { user, prompt: question } = turn;
  const files = turn.attachments?.length ? { attachments: turn.attachments } : {};
  try {
    return await callQ({ user, question, ...files, ...(conversation ? { conversation } : {}) });
  } catch (error) {
    if (!conversation || !(error instanceof QFailure) || error.kind !== 'conversationGone') throw error;
    onRestart();
    return callQ({ user, question, ...files });
  }
}
