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

export class QFailure extends Error {
  constructor(
    readonly kind: QFailureKind,
    /** Q's own message; safe to show (it never echoes the question). */
    readonly serviceMessage: string,
    readonly requestId: string | undefined,
    readonly errorName: string,
  ) {
    super(`${errorName}: ${serviceMessage}`);
    this.name = 'QFailure';
  }
}
