/**
 * Between the AWS SDK's Q Business shapes and the bot's domain model: request inputs, sources,
 * plugin reviews, failed files, and SDK errors as `QFailure`. Shared by ChatSync and Chat.
 */
import {
  QBusinessServiceException,
  type ActionReview,
  type ActionReviewEvent,
  type AttachmentOutput,
  type AttributeFilter as QAttributeFilter,
  type ChatSyncCommandInput,
  type SourceAttribution as SdkSourceAttribution,
} from '@aws-sdk/client-qbusiness';
import type { FailedAttachment, SourceAttribution } from '../domain/answer';
import type { PluginActionReview, PluginFieldType } from '../domain/plugin';
import { isBug, QFailure, type QFailureKind } from '../domain/failure';
import { IdentityFailure } from '../identity/identityFailure';
import type { AskOutcome, AskRequest, QInput } from '../domain/qTurn';
import type { AttributeFilter } from '../domain/knowledgeScopes';

export function toChatInput(input: QInput): Partial<ChatSyncCommandInput> {
  if ('question' in input) return { userMessage: input.question, ...(input.attachments?.length ? { attachments: input.attachments } : {}) };
  if ('actionExecution' in input) {
    const { pluginId, payload, separator } = input.actionExecution;
    return {
      actionExecution: {
        pluginId,
        payloadFieldNameSeparator: separator,
        payload: Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, { value: value as never }])),
      },
    };
  }
  return { authChallengeResponse: { responseMap: input.authChallengeResponse } };
}

/**
 * The operator's filter as the SDK takes it: the same shape, with `dateValue` as a Date (the SDK
 * sends Q's epoch-seconds timestamp). Everything else passes unchanged.
 */
export function toQAttributeFilter(filter: AttributeFilter): QAttributeFilter {
  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'dateValue' && typeof inner === 'string' ? new Date(inner) : convert(inner)]));
  };
  return convert(filter) as QAttributeFilter;
}

/** What one Q turn said, from either path (ChatSync's output, or Chat's events added up). */
export interface QSaid {
  conversationId?: string | undefined;
  systemMessageId?: string | undefined;
  requestId?: string | undefined;
  text: string;
  sources: SourceAttribution[];
  failedAttachments: FailedAttachment[];
  review?: PluginActionReview;
  authorizationUrl?: string;
}

/** The one outcome builder for both Q paths: a plugin review, a plugin sign-in, or an answer. */
export function toAskOutcome(request: AskRequest, said: QSaid): AskOutcome {
  const reply = {
    conversationId: said.conversationId ?? request.conversation?.conversationId ?? '',
    systemMessageId: said.systemMessageId ?? '',
    ...(said.requestId ? { requestId: said.requestId } : {}),
  };
  if (said.review) return { ...reply, kind: 'actionReview', review: said.review };
  if (said.authorizationUrl !== undefined) return { ...reply, kind: 'authChallenge', authorizationUrl: said.authorizationUrl };
  return { ...reply, kind: 'answer', text: said.text, sources: said.sources, failedAttachments: said.failedAttachments };
}

export function toSourceAttributions(sources: Array<SdkSourceAttribution | null> | undefined): SourceAttribution[] {
  return (sources ?? []).filter((source): source is SdkSourceAttribution => source !== null).map(toSourceAttribution);
}

function toSourceAttribution(source: SdkSourceAttribution): SourceAttribution {
  return {
    ...(source.citationNumber !== undefined ? { citationNumber: source.citationNumber } : {}),
    ...(source.title ? { title: source.title } : {}),
    ...(source.url ? { url: source.url } : {}),
    ...(source.snippet ? { snippet: source.snippet } : {}),
    ...(source.updatedAt ? { updatedAt: source.updatedAt } : {}),
    segments: (source.textMessageSegments ?? []).map((segment) => ({
      ...(segment.beginOffset !== undefined ? { beginOffset: segment.beginOffset } : {}),
      ...(segment.endOffset !== undefined ? { endOffset: segment.endOffset } : {}),
      ...(segment.snippetExcerpt?.text ? { snippet: segment.snippetExcerpt.text } : {}),
    })),
  };
}

const FAILURE_KINDS: Record<string, QFailureKind> = {
  ThrottlingException: 'throttled',
  AccessDeniedException: 'accessDenied',
  LicenseNotFoundException: 'noLicense',
  ValidationException: 'validation',
  InternalServerException: 'unavailable',
  ExternalResourceException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
};

export function toQFailure(error: unknown, hadConversation: boolean, hadAttachments = false): QFailure | IdentityFailure {
  // The SDK asked for this person's credentials mid-request and renewal needs them to sign in.
  if (error instanceof IdentityFailure) return error;
  if (error instanceof QBusinessServiceException) {
    const requestId = error.$metadata.requestId;
    if (error.name === 'ResourceNotFoundException') {
      // Q answers 404 both for an unknown application and for a conversation it no longer has.
      const kind = hadConversation && !/application/i.test(error.message) ? 'conversationGone' : 'notFound';
      return new QFailure(kind, error.message, requestId, error.name, { cause: error });
    }
    if (hadAttachments && error.name === 'ValidationException' && /attachment|upload/i.test(error.message)) {
      return new QFailure('attachmentsDisabled', error.message, error.$metadata.requestId, error.name, { cause: error });
    }
    const kind = FAILURE_KINDS[error.name] ?? ((error.$metadata.httpStatusCode ?? 0) >= 500 ? 'unavailable' : 'unexpected');
    return new QFailure(kind, error.message, requestId, error.name, { cause: error });
  }
  // A programming error is a bug to fix, not "Q is unavailable".
  if (isBug(error)) throw error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  // An exception frame inside Chat's event stream reaches us as a plain Error named after the
  // exception, its message the frame's JSON body; a dropped stream is a plain Error as well.
  const streamed = FAILURE_KINDS[name];
  if (streamed) return new QFailure(streamed, messageOfErrorBody(message), undefined, name, { cause: error });
  return new QFailure('unavailable', message, undefined, name, { cause: error });
}

export function toFailedAttachment(failed: AttachmentOutput): FailedAttachment {
  return { name: failed.name ?? 'file', message: failed.error?.errorMessage ?? failed.status ?? 'could not be used' };
}

export function toActionReview(review: ActionReview | ActionReviewEvent): PluginActionReview {
  return {
    pluginId: review.pluginId ?? '',
    pluginType: review.pluginType ?? 'plugin',
    separator: review.payloadFieldNameSeparator ?? '.',
    fields: Object.entries(review.payload ?? {}).map(([name, field], index) => ({
      name,
      displayName: field.displayName ?? name,
      ...(field.displayDescription ? { description: field.displayDescription } : {}),
      order: field.displayOrder ?? index,
      type: (field.type ?? 'STRING') as PluginFieldType,
      ...(field.value !== undefined && field.value !== null ? { value: field.value } : {}),
      ...(field.allowedValues?.length ? { allowedValues: field.allowedValues.map((allowed) => ({ value: String(allowed.value), label: String(allowed.displayValue ?? allowed.value) })) } : {}),
      ...(field.allowedFormat ? { allowedFormat: field.allowedFormat } : {}),
      required: field.required ?? false,
    })),
  };
}

function messageOfErrorBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    return String(parsed.message ?? parsed.Message ?? body);
  } catch {
    return body;
  }
}
