/**
 * One turn with Amazon Q Business in the bot's terms: what is sent (a question, a reviewed plugin
 * action or a plugin sign-in result), in which Q conversation, and what came back. Shared by both
 * Q paths (ChatSync and Chat), the answer loop and the features that continue a Q conversation.
 */
import type { AskingUser } from './askingUser';
import type { AttributeFilter } from './knowledgeScopes';
import type { FailedAttachment, FeedbackState, SourceAttribution } from './answer';
import type { PluginActionExecution, PluginActionReview } from './plugin';

/** Where the next message continues a Q conversation from. */
export interface ConversationPointer {
  conversationId: string;
  parentMessageId: string;
}

/** A file sent with a question (already checked against Q's limits). */
export interface QAttachment {
  name: string;
  data: Uint8Array;
}

/** What the person sends Q in this turn: a question, a reviewed plugin action, or a plugin sign-in result. */
export type QInput =
  | { question: string; attachments?: QAttachment[] }
  | { actionExecution: PluginActionExecution }
  | { authChallengeResponse: Record<string, string> };

export type AskRequest = QInput & {
  user: AskingUser;
  conversation?: ConversationPointer;
  /** The space's knowledge scope (src/domain/knowledgeScopes): Q searches only what it matches. */
  attributeFilter?: AttributeFilter;
};

/** The ids every Q reply carries. */
export interface QReply {
  conversationId: string;
  systemMessageId: string;
  requestId?: string;
}

export type AskOutcome =
  | (QReply & { kind: 'answer'; text: string; sources: SourceAttribution[]; failedAttachments: FailedAttachment[] })
  | (QReply & { kind: 'actionReview'; review: PluginActionReview })
  | (QReply & { kind: 'authChallenge'; authorizationUrl: string });

/** The plugin turns: Q asks the person to review an action or to sign in to the plugin. */
export type PluginOutcome = Extract<AskOutcome, { kind: 'actionReview' | 'authChallenge' }>;

export interface FeedbackRequest {
  user: AskingUser;
  conversationId: string;
  messageId: string;
  feedback: Exclude<FeedbackState, { vote: 'none' }>;
  submittedAt: Date;
}

/** Hears a Q turn as it happens: when the request goes out, and (Chat only) the answer text as it grows. */
export interface QProgress {
  /**
   * Q is about to be asked. Resolves false when the person can't be reached (Teams refused the
   * reply's first update): then Q is not asked at all, since nobody would see the answer.
   */
  started(): Promise<boolean>;
  text(soFar: string): void;
}

/** Teams refused the reply's first update before Q was asked, so Q was not asked. */
export class ReplyRefusedBeforeAsking extends Error {
  readonly kind = 'replyRefused';
  constructor() {
    super('Teams refused the first update of the reply: Q was not asked');
    this.name = 'ReplyRefusedBeforeAsking';
  }
}
