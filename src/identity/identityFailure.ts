/**
 * Why a person could not get identity-aware AWS credentials, in terms the bot can act on:
 * `signInRequired` means "run Teams SSO", every other kind gets a card that says what to do,
 * with the admin-facing detail kept for the logs.
 */
export type IdentityFailureKind =
  | 'signInRequired'
  | 'tokenRejected'
  | 'notInIdentityCenter'
  | 'identityCenterMisconfigured'
  | 'identityCenterRegion'
  | 'roleTrust'
  | 'unavailable';

export class IdentityFailure extends Error {
  constructor(
    readonly kind: IdentityFailureKind,
    /** For logs and admins; never contains a token. */
    readonly adminDetail: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(`${kind}: ${adminDetail}`, options);
    this.name = 'IdentityFailure';
  }
}
