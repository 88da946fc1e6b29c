/**
 * Amazon Q Business, in the bot's terms: ask a question (ChatSync), record feedback (PutFeedback).
 * Maps SDK shapes to the domain model and SDK exceptions to `QFailure`, so nothing above this
 * module knows about the SDK.
 */
import {
  ChatSyncCommand,
  PutFeedbackCommand,
  QBusinessServiceException,
  type ChatSyncCommandOutput,
  type SourceAttribution as SdkSourceAttribution,
} from '@aws-sdk/client-qbusiness';
import type { FailedAttachment, FeedbackState, SourceAttribution } from '../model/answer';
import type { PluginActionExecution, PluginActionReview, PluginFieldType } from '../model/plugin';
import { isBug, QFailure, type QFailureKind } from '../model/failure';
import { IdentityFailure } from '../identity/identityFailure';
import type { AskingUser, QClientProvider } from './qbusinessClients';

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

interface Reply {
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
    const client = await this.clients.clientFor(request.user);
    let output: ChatSyncCommandOutput;
    try {
      output = await client.send(
        new ChatSyncCommand({
          applicationId: this.applicationId,
          ...toChatInput(request),
          ...(request.conversation ?? {}),
        }),
      );
    } catch (error) {
      throw toQFailure(error, Boolean(request.conversation), 'attachments' in request && Boolean(request.attachments?.length));
    }
    const reply: Reply = {
      conversationId: output.conversationId ?? request.conversation?.conversationId ?? '',
      systemMessageId: output.systemMessageId ?? '',
      ...(output.$metadata.requestId ? { requestId: output.$metadata.requestId } : {}),
    };
    if (output.actionReview) {
      const review = output.actionReview;
      return {
        ...reply,
        kind: 'actionReview',
        review: {
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
        },
      };
    }
    if (output.authChallengeRequest) return { ...reply, kind: 'authChallenge', authorizationUrl: output.authChallengeRequest.authorizationUrl ?? '' };
    return {
      ...reply,
      kind: 'answer',
      text: output.systemMessage ?? '',
      sources: (output.sourceAttributions ?? []).filter((source): source is SdkSourceAttribution => source !== null).map(toSourceAttribution),
      failedAttachments: (output.failedAttachments ?? []).map((failed) => ({
        name: failed.name ?? 'file',
        message: failed.error?.errorMessage ?? failed.status ?? 'could not be used',
      })),
    };
  }

  /** Returns the AWS request id of the accepted feedback. */
  async putFeedback(request: FeedbackRequest): Promise<string | undefined> {
    const client = await this.clients.clientFor(request.user);
    const { feedback } = request;
    try {
      const output = await client.send(
        new PutFeedbackCommand({
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
        }),
      );
      return output.$metadata.requestId;
    } catch (error) {
      throw toQFailure(error, true);
    }
  }
}

function toChatInput(input: QInput): Partial<ConstructorParameters<typeof ChatSyncCommand>[0]> {
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

function toQFailure(error: unknown, hadConversation: boolean, hadAttachments = false): QFailure | IdentityFailure {
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
  if (isBug(error)) throw error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  return new QFailure('unavailable', message, undefined, name, { cause: error });
}
