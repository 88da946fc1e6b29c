/**
 * Amazon Q Business `Chat`, the streaming sibling of ChatSync: one turn sent as an input event
 * stream, the answer read from the output event stream as it grows. Ends with the same
 * `AskOutcome` as ChatSync (one builder, ./qbusinessMapping); errors are mapped by the caller.
 */
import { ChatCommand, type ActionExecutionEvent, type AuthChallengeResponseEvent, type ChatInputStream, type QBusinessClient } from '@aws-sdk/client-qbusiness';
import { ReplyRefusedBeforeAsking, type AskOutcome, type AskRequest, type QProgress } from '../domain/qTurn';
import { toActionReview, toAskOutcome, toChatInput, toQAttributeFilter, toFailedAttachment, toSourceAttributions, type QSaid } from './qbusinessMapping';

export async function chatStream(client: QBusinessClient, applicationId: string, request: AskRequest, listener: QProgress): Promise<AskOutcome> {
  const said: QSaid = { text: '', sources: [], failedAttachments: [] };
  let finalText: string | undefined;
  const takeIds = (event: { conversationId?: string | undefined; systemMessageId?: string | undefined }): void => {
    if (event.conversationId) said.conversationId = event.conversationId;
    if (event.systemMessageId) said.systemMessageId = event.systemMessageId;
  };
  // Only once the person can see the stream: a question nobody will see is not worth Q's work.
  if (!(await listener.started())) throw new ReplyRefusedBeforeAsking();
  const output = await client.send(new ChatCommand({ applicationId, ...(request.conversation ?? {}), inputStream: inputEvents(request) }));
  said.requestId = output.$metadata.requestId;
  for await (const event of output.outputStream ?? []) {
    if (event.textEvent) {
      takeIds(event.textEvent);
      said.text += event.textEvent.systemMessage ?? '';
      listener.text(said.text);
    } else if (event.metadataEvent) {
      takeIds(event.metadataEvent);
      said.sources = toSourceAttributions(event.metadataEvent.sourceAttributions);
      if (event.metadataEvent.finalTextMessage !== undefined) finalText = event.metadataEvent.finalTextMessage;
    } else if (event.actionReviewEvent) {
      takeIds(event.actionReviewEvent);
      said.review = toActionReview(event.actionReviewEvent);
    } else if (event.authChallengeRequestEvent) {
      said.authorizationUrl = event.authChallengeRequestEvent.authorizationUrl ?? '';
    } else if (event.failedAttachmentEvent) {
      takeIds(event.failedAttachmentEvent);
      if (event.failedAttachmentEvent.attachment) said.failedAttachments.push(toFailedAttachment(event.failedAttachmentEvent.attachment));
    }
  }
  return toAskOutcome(request, { ...said, text: finalText ?? said.text });
}

/** The turn as Chat's input events: what is asked (or answered), then the end of input. */
async function* inputEvents(request: AskRequest): AsyncIterable<ChatInputStream> {
  // A scoped space: Chat takes the filter in its configuration event, before the question.
  if (request.attributeFilter) yield { configurationEvent: { attributeFilter: toQAttributeFilter(request.attributeFilter) } };
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
