/**
 * Domain shapes shared by the Q Business service, the bot and the cards. They mirror what
 * Amazon Q Business returns, minus SDK types, so cards stay pure functions of plain data.
 */

export interface TextSegment {
  beginOffset?: number;
  endOffset?: number;
  snippet?: string;
}

export interface SourceAttribution {
  citationNumber?: number;
  title?: string;
  url?: string;
  snippet?: string;
  documentId?: string;
  updatedAt?: Date;
  segments: TextSegment[];
}

export interface FailedAttachment {
  name: string;
  message: string;
}

/** A normalised, numbered source as shown on the card. */
export interface Source {
  number: number;
  title: string;
  url?: string;
  snippet?: string;
  /** ISO date (YYYY-MM-DD): a string, so stored answers survive JSON round trips. */
  updatedOn?: string;
}

export const FEEDBACK_REASONS = [
  'NOT_FACTUALLY_CORRECT',
  'INCORRECT_OR_MISSING_SOURCES',
  'NOT_HELPFUL',
  'HARMFUL_OR_UNSAFE',
  'NOT_COMPLETE',
  'NOT_CONCISE',
  'NOT_BASED_ON_DOCUMENTS',
  'OTHER',
] as const;
export type NegativeFeedbackReason = (typeof FEEDBACK_REASONS)[number];

export const FEEDBACK_COMMENT_MAX_LENGTH = 1000;
export const USER_MESSAGE_MAX_LENGTH = 7000;

export type FeedbackState =
  | { vote: 'none' }
  | { vote: 'up' }
  | { vote: 'down'; reason: NegativeFeedbackReason; comment?: string };

export function isNegativeFeedbackReason(value: unknown): value is NegativeFeedbackReason {
  return typeof value === 'string' && (FEEDBACK_REASONS as readonly string[]).includes(value);
}
