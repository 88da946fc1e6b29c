/**
 * Q Business `Chat`: the streaming sibling of ChatSync, on the same port. HTTP/2 with
 * `application/vnd.amazon.eventstream` both ways. The input is a chain of signed frames
 * (`:date`, `:chunk-signature`) each wrapping one event (configurationEvent, textEvent,
 * attachmentEvent, actionExecutionEvent, authChallengeResponseEvent, endOfInputEvent); every
 * signature is checked. The answer goes out as textEvents at the configured pace, then a
 * metadataEvent with the sources and the final text. Faults can break the stream midway.
 */
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/core/event-streams';
import type { Exchange } from '../http';
import { eventChainVerifier, type SigningSecret } from '../sigv4';
import { pacingFor, tokenDueMs, tokensOf, sleep } from './pacing';
import { chatSync, errorBody, errorStatus, injectedError, notFound, QError, validationError, type ChatSyncPayload, type RouteContext } from './routes';
import type { Fault } from './state';

export interface ChatStreamContext extends RouteContext {
  /** The secret of the session that signed the request, to check the frames' signatures. */
  signingSecretOf(accessKeyId: string): SigningSecret | undefined;
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);
const DEFAULT_FAULT_AFTER_TOKENS = 20;

/** `POST /applications/{id}/conversations` without `?sync`: Chat. */
export function isChatRequest(req: http2.Http2ServerRequest): boolean {
  const url = new URL(req.url, 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean);
  return req.method === 'POST' && parts.length === 3 && parts[0] === 'applications' && parts[2] === 'conversations' && !url.searchParams.has('sync');
}

export async function handleChatStream(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, context: ChatStreamContext): Promise<void> {
  const started = Date.now();
  const requestId = randomUUID();
  const url = new URL(req.url, 'http://localhost');
  const head: Exchange = { method: req.method, url, headers: req.headers, body: '', respond: () => undefined };
  try {
    const { principal, accessKeyId } = await context.principalOf(head);
    const applicationId = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    if (applicationId !== context.applicationId) throw notFound(`Application ${applicationId} was not found.`, 'APPLICATION', applicationId);
    const events = await readSignedEvents(req, eventChainVerifier(head, context.signingSecretOf(accessKeyId) as SigningSecret));
    const body = chatSyncShape(events, url.searchParams);
    const fault = context.state.takeFault('Chat');
    context.state.calls.push({
      ...(fault?.error || fault?.midStream ? { faultInjected: fault.midStream ?? fault.error } : {}),
      operation: 'Chat',
      principal,
      accessKeyId,
      applicationId,
      ...(typeof body.conversationId === 'string' ? { conversationId: body.conversationId } : {}),
      body: { ...body, inputEvents: events.map((event) => event.type) },
      requestId,
      at: new Date().toISOString(),
    });
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.error && !fault.midStream) throw injectedError(fault, { applicationId, ...(typeof body.conversationId === 'string' ? { conversationId: body.conversationId } : {}) });
    const payload = chatSync(context, principal, body, fault);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    await streamAnswer(res, payload, context, started, fault);
  } catch (error) {
    const qError = error instanceof QError ? error : new QError('InternalServerException', (error as Error).message);
    if (res.headersSent) {
      if (!res.writableEnded) res.end(frame('exception', qError.errorType, errorBody(qError)));
      return;
    }
    res.writeHead(errorStatus(qError.errorType), { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': qError.errorType });
    res.end(JSON.stringify(errorBody(qError)));
    // The client may still be sending frames: drain them so the stream closes cleanly.
    req.resume();
  }
}

interface InputEvent {
  type: string;
  payload: Record<string, any>;
}

/** Reads frames as they arrive, checks each one's signature, and unwraps the events inside. */
async function readSignedEvents(req: http2.Http2ServerRequest, verify: ReturnType<typeof eventChainVerifier>): Promise<InputEvent[]> {
  const events: InputEvent[] = [];
  let pending = Buffer.alloc(0);
  for await (const chunk of req as AsyncIterable<Buffer>) {
    pending = Buffer.concat([pending, chunk]);
    // Each frame starts with its total length (4 bytes, big-endian).
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      const outer = decode(pending.subarray(0, length));
      pending = pending.subarray(length);
      const date = outer.headers[':date']?.value;
      const signature = outer.headers[':chunk-signature']?.value;
      if (!(date instanceof Date) || !(signature instanceof Uint8Array) || !(await verify({ date, payload: outer.body, signature }))) {
        throw new QError('InvalidSignatureException', 'The event signature we calculated does not match the signature you provided.');
      }
      // An empty signed frame closes the input.
      if (outer.body.length === 0) return events;
      const inner = decode(outer.body);
      const type = String(inner.headers[':event-type']?.value ?? '');
      events.push({ type, payload: inner.body.length ? (JSON.parse(Buffer.from(inner.body).toString('utf8')) as Record<string, any>) : {} });
    }
  }
  if (pending.length > 0) throw validationError('The event stream ended inside a frame.', 'CANNOT_PARSE');
  return events;
}

function decode(bytes: Uint8Array): Message {
  try {
    return codec.decode(bytes);
  } catch (error) {
    throw validationError(`Malformed event stream frame: ${(error as Error).message}`, 'CANNOT_PARSE');
  }
}

/** The input events as a ChatSync request body, so both operations share one chat turn. */
function chatSyncShape(events: InputEvent[], query: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of ['conversationId', 'parentMessageId', 'clientToken']) {
    const value = query.get(name);
    if (value) body[name] = value;
  }
  const attachments: unknown[] = [];
  for (const { type, payload } of events) {
    if (type === 'configurationEvent') Object.assign(body, payload);
    else if (type === 'textEvent') body.userMessage = payload.userMessage;
    else if (type === 'attachmentEvent') attachments.push(payload.attachment);
    else if (type === 'actionExecutionEvent') body.actionExecution = payload;
    else if (type === 'authChallengeResponseEvent') body.authChallengeResponse = payload;
  }
  if (attachments.length) body.attachments = attachments;
  if (!events.some((event) => event.type === 'endOfInputEvent')) throw validationError('The input stream ended without an endOfInputEvent.', 'FIELD_VALIDATION_FAILED', 'inputStream');
  return body;
}

async function streamAnswer(res: http2.Http2ServerResponse, payload: ChatSyncPayload, context: ChatStreamContext, started: number, fault: Fault | undefined): Promise<void> {
  const ids = { conversationId: payload.conversationId, userMessageId: payload.userMessageId, systemMessageId: payload.systemMessageId };
  const write = (eventType: string, event: Record<string, unknown>): boolean => {
    if (res.stream.destroyed || res.writableEnded) return false;
    res.write(frame('event', eventType, event));
    return true;
  };
  for (const attachment of payload.failedAttachments) write('failedAttachmentEvent', { ...ids, attachment });
  if (payload.actionReview) {
    write('actionReviewEvent', { ...ids, ...(payload.actionReview as Record<string, unknown>) });
    res.end();
    return;
  }
  if (payload.authChallengeRequest) {
    write('authChallengeRequestEvent', payload.authChallengeRequest);
    // The challenge itself names no message: the ids the client continues from come as metadata.
    write('metadataEvent', ids);
    res.end();
    return;
  }
  const text = payload.systemMessage ?? '';
  const breakAfter = fault?.midStream ? fault.afterTokens ?? DEFAULT_FAULT_AFTER_TOKENS : Infinity;
  const tokens = tokensOf(text);
  const pacing = pacingFor(context.state.pacing, tokens.length);
  const perEvent = Math.max(1, Math.floor(pacing.tokensPerEvent ?? 1));
  for (let index = 0; index < tokens.length; index += perEvent) {
    const last = Math.min(index + perEvent, tokens.length) - 1;
    await sleep(started + tokenDueMs(pacing, last) - Date.now());
    if (breakAfter <= last) return breakStream(res, fault as Fault, payload, context);
    if (!write('textEvent', { systemMessageType: 'RESPONSE', ...ids, systemMessage: tokens.slice(index, last + 1).join('') })) return;
  }
  if (breakAfter <= tokens.length) return breakStream(res, fault as Fault, payload, context);
  write('metadataEvent', { ...ids, sourceAttributions: payload.sourceAttributions ?? [], ...(text ? { finalTextMessage: text } : {}) });
  res.end();
}

/**
 * A fault midway: an exception frame (as Q sends ThrottlingException mid-stream) or a reset
 * stream. The failed turn is not kept, so the conversation continues from its last whole answer.
 */
function breakStream(res: http2.Http2ServerResponse, fault: Fault, payload: ChatSyncPayload, context: ChatStreamContext): void {
  const conversation = context.state.conversations.get(payload.conversationId);
  if (conversation) {
    conversation.messages = conversation.messages.filter((message) => message.messageId !== payload.userMessageId && message.messageId !== payload.systemMessageId);
    if (conversation.messages.length === 0) context.state.conversations.delete(conversation.conversationId);
  }
  if (fault.midStream === 'drop') {
    res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  const errorType = fault.error ?? 'ThrottlingException';
  res.end(frame('exception', errorType, { message: fault.message ?? `Injected ${errorType}` }));
}

function frame(messageType: 'event' | 'exception', type: string, body: Record<string, unknown>): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': { type: 'string', value: messageType },
    [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
    ':content-type': { type: 'string', value: 'application/json' },
  };
  return codec.encode({ headers, body: new Uint8Array(Buffer.from(JSON.stringify(body), 'utf8')) });
}
