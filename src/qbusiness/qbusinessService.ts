/**
 * Amazon Q Business, in the bot's terms: ask a question (ChatSync), record feedback (PutFeedback).
 * Maps SDK shapes to the domain model and SDK exceptions to `QFailure`, so nothing above this
 * module knows about the SDK.
 */
import { ChatSyncCommand, PutFeedbackCommand, type ChatSyncCommandOutput, type QBusinessClient } from '@aws-sdk/client-qbusiness';
import type { FailedAttachment, FeedbackState, SourceAttribution } from '../domain/answer';
import type { PluginActionExecution, PluginActionReview } from '../domain/plugin';
import type { AskingUser, QClientProvider } from './qbusinessClients';
import { toActionReview, toChatInput, toFailedAttachment, toQFailure, toSourceAttributions } from './qbusinessMapping';
import { chatStream, type StreamListener } from './qbusinessStream';

export interface ConversationPointer {
  conversationId: string;
  parentMessageId: string;
}

/** What the person sends Q in this turn: a question, a reviewed plugin action, or a plugin sign-in result. */
export type QInput =
  | { question: string; attachments?: Array<{ name: string; data: Uint8Array }> }
  | { actionExecution: PluginActionExecution }
  | { authChallengeResponse: Record<string, string> };

export type AskRequest = QInput & {
  user: AskingUser;
  conversation?: ConversationPointer;
};

export interface Reply {
  conversationId: string;
  systemMessageId: string;
  requestId?: string;
}

export type AskOutcome =
  | (Reply & { kind: 'answer'; text: string; sources: SourceAttribution[]; failedAttachments: FailedAttachment[] })
  | (Reply & { kind: 'actionReview'; review: PluginActionReview })
  | (Reply & { kind: 'authChallenge'; authorizationUrl: string });

export interface FeedbackRequest {
  user: AskingUser;
  conversationId: string;
  messageId: string;
  feedback: Exclude<FeedbackState, { vote: 'none' }>;
  submittedAt: Date;
}

export class QBusinessService {
  constructor(
    private readonly applicationId: string,
    private readonly clients: QClientProvider,
  ) {}

  async ask(request: AskRequest): Promise<AskOutcome> {
    let output: ChatSyncCommandOutput;
    try {
      output = await this.withCredentials(request.user, (client) =>
        client.send(
          new ChatSyncCommand({
            applicationId: this.applicationId,
            ...toChatInput(request),
            ...(request.conversation ?? {}),
          }),
        ),
      );
    } catch (error) {
      throw toQFailure(error, Boolean(request.conversation), 'attachments' in request && Boolean(request.attachments?.length));
    }
    const reply: Reply = {
      conversationId: output.conversationId ?? request.conversation?.conversationId ?? '',
      systemMessageId: output.systemMessageId ?? '',
      ...(output.$metadata.requestId ? { requestId: output.$metadata.requestId } : {}),
    };
    if (output.actionReview) return { ...reply, kind: 'actionReview', review: toActionReview(output.actionReview) };
    if (output.authChallengeRequest) return { ...reply, kind: 'authChallenge', authorizationUrl: output.authChallengeRequest.authorizationUrl ?? '' };
    return {
      ...reply,
      kind: 'answer',
      text: output.systemMessage ?? '',
      sources: toSourceAttributions(output.sourceAttributions),
      failedAttachments: (output.failedAttachments ?? []).map(toFailedAttachment),
    };
  }

  /**
   * The same turn with Q's streaming `Chat`: `listener` hears when the request goes out and the
   * answer text as it grows; the outcome is what `ask` would have returned.
   */
  async askStreaming(request: AskRequest, listener: StreamListener): Promise<AskOutcome> {
    const client = await this.clients.clientFor(request.user);
    try {
      return await chatStream(client, this.applicationId, request, listener);
    } catch (error) {
      // Not repeated here (text may already be on screen); the person's next request gets new credentials.
      if (credentialsRefused(error) || credentialsRefused((error as { cause?: unknown }).cause)) this.clients.credentialsRejected(request.user);
      throw error;
    }
  }

  /** Returns the AWS request id of the accepted feedback. */
  async putFeedback(request: FeedbackRequest): Promise<string | undefined> {
    const { feedback } = request;
    try {
      const command = new PutFeedbackCommand({
        applicationId: this.applicationId,
        conversationId: request.conversationId,
        messageId: request.messageId,
        messageUsefulness:
          feedback.vote === 'up'
            ? { usefulness: 'USEFUL', reason: 'HELPFUL', submittedAt: request.submittedAt }
            : {
                usefulness: 'NOT_USEFUL',
                reason: feedback.reason,
                submittedAt: request.submittedAt,
                ...(feedback.comment ? { comment: feedback.comment } : {}),
              },
      });
      const output = await this.withCredentials(request.user, (client) => client.send(command));
      return output.$metadata.requestId;
    } catch (error) {
      throw toQFailure(error, true);
    }
  }

  /**
   * One person's request with their credentials; if AWS refuses those (a revoked or expired STS
   * session), once more with new ones from their session (renewed with the refresh token).
   */
  private async withCredentials<T>(user: AskingUser, call: (client: QBusinessClient) => Promise<T>): Promise<T> {
    try {
      return await call(await this.clients.clientFor(user));
    } catch (error) {
      if (!credentialsRefused(error)) throw error;
      this.clients.credentialsRejected(user);
      return call(await this.clients.clientFor(user));
    }
  }
}

/** How AWS says the signing credentials themselves are no good (not the person's access to Q). */
function credentialsRefused(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'UnrecognizedClientException' || name === 'ExpiredTokenException' || name === 'InvalidClientTokenId';
}
