/**
 * Why a call to Amazon Q Business did not produce an answer, in terms the bot can act on.
 * The Q service maps SDK exceptions to these; the cards turn them into words.
 */
export type QFailureKind =
  | 'throttled'
  | 'accessDenied'
  | 'noLicense'
  | 'validation'
  | 'attachmentsDisabled'
  | 'conversationGone'
  | 'notFound'
  | 'unavailable'
  | 'unexpected';

/** Failures worth trying again (a "Try again" button, a vote sent later): Q may well succeed next time. */
const RETRYABLE_KINDS: ReadonlySet<QFailureKind> = new Set<QFailureKind>(['throttled', 'unavailable', 'unexpected']);

export function isRetryable(kind: QFailureKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

export class QFailure extends Error {
  constructor(
    readonly kind: QFailureKind,
    /** Q's own message; safe to show (it never echoes the question). */
    readonly serviceMessage: string,
    readonly requestId: string | undefined,
    readonly errorName: string,
    options?: { cause?: unknown },
  ) {
    super(`${errorName}: ${serviceMessage}`, options);
    this.name = 'QFailure';
  }
}

/**
 * A programming error (wrong type, bad argument), not a service or network failure: it must
 * surface as a bug, never be reported to people as "Q unavailable". Network errors that arrive as
 * TypeError (fetch) carry a cause with an error code.
 */
export function isBug(error: unknown): boolean {
  const programming = error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError;
  const networkCause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code !== undefined;
  return programming && !networkCause;
}
