/**
 * Amazon Q Business, in the bot's terms: one turn (ChatSync, or Chat when the caller listens to
 * the answer as it grows) and feedback (PutFeedback). Maps SDK shapes to the domain model and SDK
 * exceptions to `QFailure`, so nothing above this module knows about the SDK.
 */
import { ChatSyncCommand, PutFeedbackCommand, type QBusinessClient } from '@aws-sdk/client-qbusiness';
import type { AskingUser } from '../domain/askingUser';
import { ReplyRefusedBeforeAsking, type AskOutcome, type AskRequest, type FeedbackRequest, type QProgress } from '../domain/qTurn';
import type { QClientProvider } from './qbusinessClients';
import { toActionReview, toAskOutcome, toChatInput, toQAttributeFilter, toFailedAttachment, toQFailure, toSourceAttributions } from './qbusinessMapping';
import { chatStream } from './qbusinessStream';

export class QBusinessService {
  constructor(
    private readonly applicationId: string,
    private readonly clients: QClientProvider,
  ) {}

  /**
   * One turn in the person's Q conversation. Without `progress`: ChatSync, the whole answer at
   * once. With it: Chat, `progress` hearing when the request goes out and the text as it grows.
   * Both end in the same outcome, or throw a `QFailure` / `IdentityFailure`.
   */
  async ask(request: AskRequest, progress?: QProgress): Promise<AskOutcome> {
    let textShown = false;
    const listener: QProgress | undefined = progress && {
      started: () => progress.started(),
      text: (soFar) => {
        textShown = true;
        progress.text(soFar);
      },
    };
    try {
      return await this.withCredentials(
        request.user,
        (client) => (listener ? chatStream(client, this.applicationId, request, listener) : this.chatSync(client, request)),
        // AWS refuses credentials before it sends anything; were text already on screen, asking
        // again would show it twice, so the person's next request gets the new credentials instead.
        () => !textShown,
      );
    } catch (error) {
      if (error instanceof ReplyRefusedBeforeAsking) throw error;
      throw toQFailure(error, Boolean(request.conversation), 'attachments' in request && Boolean(request.attachments?.length));
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

  private async chatSync(client: QBusinessClient, request: AskRequest): Promise<AskOutcome> {
    const output = await client.send(new ChatSyncCommand({
        applicationId: this.applicationId,
        ...toChatInput(request),
        ...(request.conversation ?? {}),
        ...(request.attributeFilter ? { attributeFilter: toQAttributeFilter(request.attributeFilter) } : {}),
      }));
    return toAskOutcome(request, {
      conversationId: output.conversationId,
      systemMessageId: output.systemMessageId,
      requestId: output.$metadata.requestId,
      text: output.systemMessage ?? '',
      sources: toSourceAttributions(output.sourceAttributions),
      failedAttachments: (output.failedAttachments ?? []).map(toFailedAttachment),
      ...(output.actionReview ? { review: toActionReview(output.actionReview) } : {}),
      ...(output.authChallengeRequest ? { authorizationUrl: output.authChallengeRequest.authorizationUrl ?? '' } : {}),
    });
  }

  /**
   * The one revoked-credentials policy, for every call: if AWS refuses the person's credentials
   * (a revoked or expired STS session), they are dropped and the call is made once more with new
   * ones from their session (renewed with the refresh token), when `mayRepeat` allows.
   */
  private async withCredentials<T>(user: AskingUser, call: (client: QBusinessClient) => Promise<T>, mayRepeat: () => boolean = () => true): Promise<T> {
    try {
      return await call(await this.clients.clientFor(user));
    } catch (error) {
      if (!credentialsRefused(error)) throw error;
      this.clients.credentialsRejected(user);
      if (!mayRepeat()) throw error;
      return call(await this.clients.clientFor(user));
    }
  }
}

/** How AWS says the signing credentials themselves are no good (not the person's access to Q). */
function credentialsRefused(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'UnrecognizedClientException' || name === 'ExpiredTokenException' || name === 'InvalidClientTokenId';
}
