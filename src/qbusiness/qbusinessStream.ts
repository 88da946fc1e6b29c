/**
 * Amazon Q Business `Chat`, the streaming sibling of ChatSync: one turn sent as an input event
 * stream, the answer read from the output event stream as it grows. Ends with the same
 * `AskOutcome` as ChatSync, so everything after the call is shared.
 */
import { ChatCommand, type ActionExecutionEvent, type AuthChallengeResponseEvent, type ChatInputStream, type QBusinessClient } from '@aws-sdk/client-qbusiness';
import type { FailedAttachment, SourceAttribution } from '../domain/answer';
import type { PluginActionReview } from '../domain/plugin';
import { toActionReview, toChatInput, toFailedAttachment, toQFailure, toSourceAttributions } from './qbusinessMapping';
import type { AskOutcome, AskRequest, Reply } from './qbusinessService';

export interface StreamListener {
  /** The request is about to go out: credentials are ready (sign-in was not needed). */
  started(): void;
  /** All the answer text received so far, each time more arrives. */
  text(soFar: string): void;
}

/** What the output stream has said so far. */
interface Received {
  text: string;
  finalText?: string;
  sources: SourceAttribution[];
  failedAttachments: FailedAttachment[];
  review?: PluginActionReview;
  authorizationUrl?: string;
  ids: Partial<Pick<Reply, 'conversationId' | 'systemMessageId'>>;
}

export async function chatStream(client: QBusinessClient, applicationId: string, request: AskRequest, listener: StreamListener): Promise<AskOutcome> {
  const received: Received = { text: '', sources: [], failedAttachments: [], ids: {} };
  const takeIds = (event: { conversationId?: string | undefined; systemMessageId?: string | undefined }): void => {
    if (event.conversationId) received.ids.conversationId = event.conversationId;
    if (event.systemMessageId) received.ids.systemMessageId = event.systemMessageId;
  };
  listener.started();
  let requestId: string | undefined;
  try {
    const output = await client.send(new ChatCommand({ applicationId, ...(request.conversation ?? {}), inputStream: inputEvents(request) }));
    requestId = output.$metadata.requestId;
    for await (const event of output.outputStream ?? []) {
      if (event.textEvent) {
        takeIds(event.textEvent);
        received.text += event.textEvent.systemMessage ?? '';
        listener.text(received.text);
      } else if (event.metadataEvent) {
        takeIds(event.metadataEvent);
        received.sources = toSourceAttributions(event.metadataEvent.sourceAttributions);
        if (event.metadataEvent.finalTextMessage !== undefined) received.finalText = event.metadataEvent.finalTextMessage;
      } else if (event.actionReviewEvent) {
        takeIds(event.actionReviewEvent);
        received.review = toActionReview(event.actionReviewEvent);
      } else if (event.authChallengeRequestEvent) {
        received.authorizationUrl = event.authChallengeRequestEvent.authorizationUrl ?? '';
      } else if (event.failedAttachmentEvent) {
        takeIds(event.failedAttachmentEvent);
        if (event.failedAttachmentEvent.attachment) received.failedAttachments.push(toFailedAttachment(event.failedAttachmentEvent.attachment));
      }
    }
  } catch (error) {
    throw toQFailure(error, Boolean(request.conversation), 'attachments' in request && Boolean(request.attachments?.length));
  }
  const reply: Reply = {
    conversationId: received.ids.conversationId ?? request.conversation?.conversationId ?? '',
    systemMessageId: received.ids.systemMessageId ?? '',
    ...(requestId ? { requestId } : {}),
  };
  if (received.review) return { ...reply, kind: 'actionReview', review: received.review };
  if (received.authorizationUrl !== undefined) return { ...reply, kind: 'authChallenge', authorizationUrl: received.authorizationUrl };
  return { ...reply, kind: 'answer', text: received.finalText ?? received.text, sources: received.sources, failedAttachments: received.failedAttachments };
}

/** The turn as Chat's input events: what is asked (or answered), then the end of input. */
async function* inputEvents(request: AskRequest): AsyncIterable<ChatInputStream> {
  if ('question' in request) {
    yield { textEvent: { userMessage: request.question } };
    for (const attachment of request.attachments ?? []) yield { attachmentEvent: { attachment: { name: attachment.name, data: attachment.data } } };
  } else {
    // The same shapes ChatSync takes, as their own events.
    const { actionExecution, authChallengeResponse } = toChatInput(request);
    if (actionExecution) yield { actionExecutionEvent: actionExecution as ActionExecutionEvent };
    if (authChallengeResponse) yield { authChallengeResponseEvent: authChallengeResponse as AuthChallengeResponseEvent };
  }
  yield { endOfInputEvent: {} };
}
