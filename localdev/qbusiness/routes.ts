/**
 * restJson1 handlers of the local Q service, and its `/_local/` inspection and fault API.
 * Error responses use Q's shapes: status code, `x-amzn-errortype` header, `{ message }` body.
 */
import { isTranscriptFile, recapAnswer } from './recap';
import { randomUUID } from 'node:crypto';
import type { Exchange } from '../http';
import type { HostileDocument } from './hostileDocuments';
import type { DocumentFilter, Knowledge } from './knowledge';
import { FilterError, matchesFilter } from './attributeFilter';
import { answerReadyMs, sleep } from './pacing';
import type { Conversation, Fault, LocalQState } from './state';

export interface RouteContext {
  knowledge: Knowledge;
  state: LocalQState;
  applicationId: string;
  conversationTtlMs: number;
  /** Who signed the request: the Identity Center user behind identity-aware credentials. */
  principalOf(exchange: Exchange): Promise<{ principal: string; accessKeyId: string }>;
}

const ERROR_STATUS: Record<string, number> = {
  ValidationException: 400,
  LicenseNotFoundException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
  ExternalResourceException: 424,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  ExpiredTokenException: 403,
};
const USER_MESSAGE_MAX_LENGTH = 7000;

export function errorStatus(errorType: string): number {
  return ERROR_STATUS[errorType] ?? 400;
}

/** A Q error with the members its model requires (`reason`, `resourceId`/`resourceType`, …). */
export class QError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type ValidationReason = 'CANNOT_PARSE' | 'FIELD_VALIDATION_FAILED' | 'UNKNOWN_OPERATION';

export function validationError(message: string, reason: ValidationReason = 'FIELD_VALIDATION_FAILED', field?: string): QError {
  return new QError('ValidationException', message, { reason, ...(field ? { fields: [{ name: field, message }] } : {}) });
}

export function notFound(message: string, resourceType: string, resourceId: string): QError {
  return new QError('ResourceNotFoundException', message, { resourceId, resourceType });
}

/** The JSON body of a Q error response. */
export function errorBody(error: QError): Record<string, unknown> {
  return { message: error.message, ...error.members };
}

export async function handleQ(exchange: Exchange, context: RouteContext): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, payload?: unknown): void =>
    exchange.respond(status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, payload === undefined ? '' : JSON.stringify(payload));
  try {
    const route = matchRoute(exchange);
    if (!route) throw validationError(`No Amazon Q Business operation at ${exchange.method} ${exchange.url.pathname}`, 'UNKNOWN_OPERATION');
    const { principal, accessKeyId } = await context.principalOf(exchange);
    if (route.applicationId !== context.applicationId) {
      throw notFound(`Application ${route.applicationId} was not found.`, 'APPLICATION', route.applicationId);
    }
    const body = parseBody(exchange.body);
    const fault = context.state.takeFault(route.operation);
    context.state.calls.push({
      ...(fault?.error ? { faultInjected: fault.error } : {}),
      operation: route.operation,
      principal,
      accessKeyId,
      applicationId: route.applicationId,
      ...(route.conversationId ?? body.conversationId ? { conversationId: String(route.conversationId ?? body.conversationId) } : {}),
      ...(route.messageId ? { messageId: route.messageId } : {}),
      body,
      requestId,
      at: new Date().toISOString(),
    });
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.error) throw injectedError(fault, route);
    const handlers: Record<string, () => { status: number; payload?: unknown }> = {
      ChatSync: () => ({ status: 200, payload: chatSync(context, principal, body, fault) }),
      PutFeedback: () => {
        checkFeedback(body);
        findMessage(context, principal, route.conversationId ?? '', route.messageId ?? '');
        return { status: 200 };
      },
      ListConversations: () => ({ status: 200, payload: listConversations(context, principal, exchange.url.searchParams) }),
      ListMessages: () => ({ status: 200, payload: listMessages(context, principal, route.conversationId ?? '', exchange.url.searchParams) }),
      DeleteConversation: () => {
        findConversation(context, principal, route.conversationId ?? '');
        context.state.conversations.delete(route.conversationId ?? '');
        return { status: 200 };
      },
    };
    const result = (handlers[route.operation] as () => { status: number; payload?: unknown })();
    // ChatSync returns once the whole answer would have been generated at the current pace.
    if (route.operation === 'ChatSync') await sleep(answerReadyMs(context.state.pacing, String((result.payload as { systemMessage?: string }).systemMessage ?? '')));
    send(result.status, result.payload);
  } catch (error) {
    const qError = error instanceof QError ? error : new QError('InternalServerException', (error as Error).message);
    exchange.respond(
      errorStatus(qError.errorType),
      { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': qError.errorType },
      JSON.stringify(errorBody(qError)),
    );
  }
}

function parseBody(raw: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw validationError('The request body is not valid JSON.', 'CANNOT_PARSE');
  }
}

/** An injected fault carries what the real error would: a reason, or the resource it is about. */
export function injectedError(fault: Fault, route: { applicationId: string; conversationId?: string }): QError {
  const message = fault.message ?? `Injected ${fault.error}`;
  switch (fault.error) {
    case 'ValidationException':
      return validationError(message);
    case 'ResourceNotFoundException':
    case 'ConflictException':
      return new QError(fault.error, message, route.conversationId ? { resourceId: route.conversationId, resourceType: 'CONVERSATION' } : { resourceId: route.applicationId, resourceType: 'APPLICATION' });
    default:
      return new QError(fault.error as string, message);
  }
}

export interface Route {
  operation: 'ChatSync' | 'PutFeedback' | 'ListConversations' | 'ListMessages' | 'DeleteConversation';
  applicationId: string;
  conversationId?: string;
  messageId?: string;
}

function matchRoute({ method, url }: Exchange): Route | undefined {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'applications' || parts[2] !== 'conversations' || !parts[1]) return undefined;
  const applicationId = parts[1];
  if (parts.length === 3 && method === 'POST' && url.searchParams.has('sync')) return { operation: 'ChatSync', applicationId };
  if (parts.length === 3 && method === 'GET') return { operation: 'ListConversations', applicationId };
  if (parts.length === 4 && method === 'GET') return { operation: 'ListMessages', applicationId, conversationId: parts[3] as string };
  if (parts.length === 4 && method === 'DELETE') return { operation: 'DeleteConversation', applicationId, conversationId: parts[3] as string };
  if (parts.length === 7 && method === 'POST' && parts[4] === 'messages' && parts[6] === 'feedback') {
    return { operation: 'PutFeedback', applicationId, conversationId: parts[3] as string, messageId: parts[5] as string };
  }
  return undefined;
}

/**
 * One chat turn, shared by ChatSync and Chat: `body` has ChatSync's shape (userMessage,
 * conversationId, parentMessageId, attachments, actionExecution, authChallengeResponse); the
 * result is ChatSync's output.
 */
export function chatSync(context: Pick<RouteContext, 'knowledge' | 'state' | 'applicationId' | 'conversationTtlMs'>, principal: string, body: Record<string, unknown>, fault: Fault | undefined): ChatSyncPayload {
  const userMessage = typeof body.userMessage === 'string' ? body.userMessage : '';
  if (userMessage.length > USER_MESSAGE_MAX_LENGTH) {
    throw validationError(`1 validation error detected: Value at 'userMessage' failed to satisfy constraint: Member must have length less than or equal to ${USER_MESSAGE_MAX_LENGTH}`, 'FIELD_VALIDATION_FAILED', 'userMessage');
  }
  const now = new Date();
  let conversation: Conversation;
  if (typeof body.conversationId === 'string') {
    conversation = findConversation(context, principal, body.conversationId);
    const lastSystem = [...conversation.messages].reverse().find((message) => message.type === 'SYSTEM');
    if (body.parentMessageId !== lastSystem?.messageId) {
      throw validationError('parentMessageId must be the id of the latest system message in the conversation.', 'FIELD_VALIDATION_FAILED', 'parentMessageId');
    }
  } else {
    conversation = { conversationId: randomUUID(), applicationId: context.applicationId, principal, title: userMessage.slice(0, 60), startTime: now, messages: [] };
    context.state.conversations.set(conversation.conversationId, conversation);
  }
  const earlierQuestions = [...conversation.messages].reverse().flatMap((message) => (message.type === 'USER' && message.body ? [message.body] : []));
  const userMessageId = randomUUID();
  conversation.messages.push({ messageId: userMessageId, type: 'USER', body: userMessage, time: now });

  const systemMessageId = randomUUID();
  const failedAttachments = receiveAttachments(conversation, body.attachments);
  const base = { conversationId: conversation.conversationId, userMessageId, systemMessageId, failedAttachments };
  const reply = (text: string, extra: Record<string, unknown> = {}): ChatSyncPayload => {
    conversation.messages.push({ messageId: systemMessageId, type: 'SYSTEM', body: text, time: now, ...(extra.pluginTurn ? { pluginTurn: extra.pluginTurn as string } : {}) });
    const { pluginTurn: _turn, ...payload } = extra;
    // The model allows no empty systemMessage: plugin turns and empty answers leave it out.
    return { ...base, ...(text ? { systemMessage: text } : {}), ...payload };
  };
  const lastTurn = [...conversation.messages].reverse().find((message) => message.type === 'SYSTEM')?.pluginTurn;

  if (body.actionExecution) {
    const execution = body.actionExecution as { pluginId?: string; payload?: Record<string, { value?: unknown }> };
    if (lastTurn !== 'actionReview' || execution.pluginId !== LOCAL_PLUGIN_ID) throw validationError('actionExecution does not answer an action review of this conversation.', 'FIELD_VALIDATION_FAILED', 'actionExecution');
    const value = (name: string): string => String(execution.payload?.[name]?.value ?? '');
    if (!value('summary') || !value('project')) throw validationError('The action payload is missing required fields: summary, project.', 'FIELD_VALIDATION_FAILED', 'actionExecution.payload');
    return reply(`Created **${value('project')}-1001** in Jira: ${value('summary')} (priority ${value('priority') || 'Medium'}).`);
  }
  if (body.authChallengeResponse) {
    if (lastTurn !== 'authChallenge') throw validationError('authChallengeResponse does not answer an authentication challenge of this conversation.', 'FIELD_VALIDATION_FAILED', 'authChallengeResponse');
    return reply('You have 2 open Jira issues:\n\n- **IT-981** VPN token not syncing (In progress)\n- **FAC-112** Desk booking for visitors (To do)');
  }
  const hostile = context.knowledge.hostileDocumentIn(userMessage);
  if (fault?.response === 'actionReview' || /\b(create|open|raise|file)\b.*\b(ticket|issue)\b/i.test(userMessage)) {
    return reply('', { pluginTurn: 'actionReview', actionReview: hostile ? hostileActionReview(hostile) : localActionReview(userMessage) });
  }
  if (fault?.response === 'authChallenge' || /\bmy (jira )?(issues|tickets)\b/i.test(userMessage)) {
    return reply('', { pluginTurn: 'authChallenge', authChallengeRequest: { authorizationUrl: hostile?.url ?? 'https://auth.example.com/oauth/authorize?client_id=local-jira&response_type=code' } });
  }
  const transcript = (conversation.files ?? []).filter((file) => isTranscriptFile(file.name));
  const recap = transcript.length > 0 && /\brecap\b/i.test(userMessage) ? recapAnswer(transcript.map((file) => file.text).join('\n'), context.knowledge) : undefined;
  const fromFiles = recap ?? (conversation.files?.length && (/\b(file|attach|document|summar)/i.test(userMessage) || Array.isArray(body.attachments)) ? answerFromFiles(conversation.files) : undefined);
  const allowed = documentFilterOf(body.attributeFilter);
  const answer = fault?.response === 'emptyAnswer' ? { text: '', attributions: [] } : fromFiles ?? context.knowledge.answer(userMessage, earlierQuestions, allowed);
  return reply(answer.text, {
    sourceAttributions: answer.attributions.map((attribution) => ({
      title: attribution.document.title,
      ...(attribution.document.url ? { url: attribution.document.url } : {}),
      snippet: attribution.snippet,
      documentId: attribution.document.documentId,
      citationNumber: attribution.citationNumber,
      updatedAt: Math.floor(attribution.document.updatedAt.getTime() / 1000),
      textMessageSegments: attribution.segments,
    })),
  });
}

/** The turn's attributeFilter as a document test (checked first: a malformed filter is Q's ValidationException). */
function documentFilterOf(filter: unknown): DocumentFilter | undefined {
  if (filter === undefined || filter === null) return undefined;
  try {
    matchesFilter(filter, {});
  } catch (error) {
    if (error instanceof FilterError) throw validationError(error.message, 'FIELD_VALIDATION_FAILED', 'attributeFilter');
    throw error;
  }
  return (document) => matchesFilter(filter, document.attributes);
}

const TEXT_TYPES = ['txt', 'md', 'csv', 'json', 'html', 'htm', 'xml', 'rtf'];
const READABLE_TYPES = [...TEXT_TYPES, 'pdf', 'docx', 'doc', 'pptx', 'ppt', 'xlsx', 'xls'];
const MAX_ATTACHMENTS = 5;
const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Like Q: at most 5 files of 10 MB, known types; each file that fails is reported, not thrown. */
function receiveAttachments(conversation: Conversation, attachments: unknown): unknown[] {
  if (!Array.isArray(attachments)) return [];
  if (attachments.length > MAX_ATTACHMENTS) throw validationError(`1 validation error detected: Value at 'attachments' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ATTACHMENTS}`, 'FIELD_VALIDATION_FAILED', 'attachments');
  const failed: unknown[] = [];
  for (const attachment of attachments as Array<{ name?: string; data?: string }>) {
    const name = attachment.name ?? 'file';
    const bytes = Buffer.from(attachment.data ?? '', 'base64');
    const extension = (name.split('.').pop() ?? '').toLowerCase();
    const failure = !READABLE_TYPES.includes(extension)
      ? 'The file type is not supported.'
      : bytes.length > MAX_ATTACHMENT_BYTES
        ? 'The file is larger than 10 MB.'
        : /corrupt/i.test(name)
          ? 'The file could not be read.'
          : undefined;
    if (failure) {
      failed.push({ name, status: 'FAILED', attachmentId: randomUUID(), error: { errorCode: 'InvalidRequest', errorMessage: failure } });
      continue;
    }
    conversation.files = [...(conversation.files ?? []), { name, text: TEXT_TYPES.includes(extension) ? bytes.toString('utf8') : `(${extension.toUpperCase()} document, ${bytes.length} bytes)` }];
  }
  return failed;
}

/** An extractive answer from the conversation's files, cited to each file. */
function answerFromFiles(files: Array<{ name: string; text: string }>): { text: string; attributions: Array<Record<string, any>> } {
  let text = '';
  const attributions: Array<Record<string, any>> = [];
  for (const file of files) {
    text += `### ${file.name}\n\n`;
    const beginOffset = text.length;
    const excerpt = file.text.trim().slice(0, 500);
    text += excerpt;
    attributions.push({
      document: { title: file.name, url: '', documentId: `attachment:${file.name}`, updatedAt: new Date() },
      citationNumber: attributions.length + 1,
      snippet: excerpt.slice(0, 200),
      segments: [{ beginOffset, endOffset: text.length, snippetExcerpt: { text: excerpt.slice(0, 200) } }],
    });
    text += '\n\n';
  }
  return { text: text.trimEnd(), attributions };
}

// PluginId in Q's model: a lowercase hex UUID.
const LOCAL_PLUGIN_ID = 'a7c5e1f0-3b2d-4c8e-9f10-6d4e2a1b0c9f';

/** What Q's Jira plugin asks to review before creating an issue. */
function localActionReview(request: string): unknown {
  const summary = request.replace(/^.*?\b(for|about|:)\s+/i, '').slice(0, 120) || request.slice(0, 120);
  return {
    pluginId: LOCAL_PLUGIN_ID,
    pluginType: 'JIRA',
    payloadFieldNameSeparator: '.',
    payload: {
      summary: { displayName: 'Summary', displayOrder: 1, type: 'STRING', value: summary, required: true },
      project: {
        displayName: 'Project',
        displayOrder: 2,
        type: 'STRING',
        value: 'IT',
        required: true,
        allowedValues: [
          { value: 'IT', displayValue: 'IT Service Desk' },
          { value: 'FAC', displayValue: 'Facilities' },
        ],
      },
      priority: {
        displayName: 'Priority',
        displayOrder: 3,
        type: 'STRING',
        value: 'Medium',
        required: false,
        allowedValues: ['Low', 'Medium', 'High'].map((level) => ({ value: level, displayValue: level })),
      },
      description: { displayName: 'Description', displayOrder: 4, displayDescription: 'What happened, and since when', type: 'STRING', value: request, required: false },
      notifyReporter: { displayName: 'Email me updates', displayOrder: 5, type: 'BOOLEAN', value: true, required: false },
    },
  };
}

/** A plugin form shaped by a hostile document: its title, snippet, text and URL in every field a form shows. */
function hostileActionReview(document: HostileDocument): unknown {
  const text = document.snippet ?? document.body;
  return {
    pluginId: LOCAL_PLUGIN_ID,
    pluginType: 'JIRA',
    payloadFieldNameSeparator: '.',
    payload: {
      summary: { displayName: document.title, displayOrder: 1, displayDescription: text, type: 'STRING', value: document.body, required: true },
      project: {
        displayName: `Project ${document.title}`,
        displayOrder: 2,
        type: 'STRING',
        value: document.url ?? 'IT',
        required: true,
        allowedValues: [
          { value: document.url ?? 'IT', displayValue: document.title },
          { value: 'IT', displayValue: text },
        ],
      },
      [`${document.name}.${'f'.repeat(40)}`]: { displayName: text, displayOrder: 3, type: 'STRING', value: document.title, required: false },
      notifyReporter: { displayName: document.title, displayOrder: 4, displayDescription: document.url, type: 'BOOLEAN', value: true, required: false },
    },
  };
}

export interface ChatSyncPayload {
  conversationId: string;
  userMessageId: string;
  systemMessageId: string;
  systemMessage?: string;
  failedAttachments: unknown[];
  sourceAttributions?: unknown[];
  actionReview?: unknown;
  authChallengeRequest?: { authorizationUrl: string };
}

/** Like Q: unknown, expired and other people's conversations are all simply "not found". */
export function findConversation(context: Pick<RouteContext, 'state' | 'conversationTtlMs'>, principal: string, conversationId: string): Conversation {
  const conversation = context.state.conversations.get(conversationId);
  const expired = conversation && Date.now() - conversation.startTime.getTime() > context.conversationTtlMs;
  if (!conversation || conversation.principal !== principal || expired) {
    throw notFound(`Conversation ${conversationId} was not found.`, 'CONVERSATION', conversationId);
  }
  return conversation;
}

function findMessage(context: RouteContext, principal: string, conversationId: string, messageId: string): void {
  const conversation = findConversation(context, principal, conversationId);
  if (!conversation.messages.some((message) => message.messageId === messageId && message.type === 'SYSTEM')) {
    throw notFound(`Message ${messageId} was not found in conversation ${conversationId}.`, 'MESSAGE', messageId);
  }
}

const FEEDBACK_REASONS = new Set([
  'HELPFUL', 'NOT_HELPFUL', 'HARMFUL_OR_UNSAFE', 'INCORRECT_OR_MISSING_SOURCES', 'NOT_FACTUALLY_CORRECT', 'FACTUALLY_CORRECT',
  'COMPLETE', 'NOT_COMPLETE', 'RELEVANT_SOURCES', 'NOT_CONCISE', 'NOT_BASED_ON_DOCUMENTS', 'OTHER',
]);
const FEEDBACK_COMMENT_MAX_LENGTH = 1000;

/** PutFeedback's model: usefulness and reason are enums, the comment at most 1,000 characters. */
function checkFeedback(body: Record<string, unknown>): void {
  const usefulness = (body.messageUsefulness ?? {}) as Record<string, unknown>;
  const invalid = (field: string, constraint: string): QError =>
    validationError(`1 validation error detected: Value at 'messageUsefulness.${field}' failed to satisfy constraint: ${constraint}`, 'FIELD_VALIDATION_FAILED', `messageUsefulness.${field}`);
  if (usefulness.usefulness !== 'USEFUL' && usefulness.usefulness !== 'NOT_USEFUL') throw invalid('usefulness', 'Member must satisfy enum value set: [USEFUL, NOT_USEFUL]');
  if (usefulness.reason !== undefined && !FEEDBACK_REASONS.has(String(usefulness.reason))) throw invalid('reason', `Member must satisfy enum value set: [${[...FEEDBACK_REASONS].join(', ')}]`);
  if (typeof usefulness.comment === 'string' && usefulness.comment.length > FEEDBACK_COMMENT_MAX_LENGTH) {
    throw invalid('comment', `Member must have length less than or equal to ${FEEDBACK_COMMENT_MAX_LENGTH}`);
  }
}

/** `maxResults` (1–100) and an opaque `nextToken`, as Q's List operations page. */
function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const maxText = query.get('maxResults');
  const maxResults = maxText === null ? 100 : Number(maxText);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw validationError("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", 'FIELD_VALIDATION_FAILED', 'maxResults');
  }
  const token = query.get('nextToken');
  const start = token === null ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''), 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw validationError('The nextToken is not valid.', 'FIELD_VALIDATION_FAILED', 'nextToken');
  const end = start + maxResults;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}) };
}

function listConversations(context: RouteContext, principal: string, query: URLSearchParams): unknown {
  const conversations = [...context.state.conversations.values()]
    .filter((conversation) => conversation.principal === principal)
    .map((conversation) => ({ conversationId: conversation.conversationId, title: conversation.title, startTime: conversation.startTime.getTime() / 1000 }));
  const { items, nextToken } = page(conversations, query);
  return { conversations: items, ...(nextToken ? { nextToken } : {}) };
}

function listMessages(context: RouteContext, principal: string, conversationId: string, query: URLSearchParams): unknown {
  const conversation = findConversation(context, principal, conversationId);
  const messages = conversation.messages.map((message) => ({ messageId: message.messageId, conversationId, type: message.type, ...(message.body ? { body: message.body } : {}), time: message.time.getTime() / 1000 }));
  const { items, nextToken } = page(messages, query);
  return { messages: items, ...(nextToken ? { nextToken } : {}) };
}
