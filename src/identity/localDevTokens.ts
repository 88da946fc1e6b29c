/**
 * DEVELOPMENT ONLY (DEV_LOCAL_SIGN_IN=true): the Agents Playground has no SSO, so the bot asks the
 * local Entra-like issuer for the token Teams would have handed it. The config module refuses
 * this mode unless the issuer and every AWS endpoint are on loopback.
 */
import { IdentityFailure } from './identityFailure';

export class LocalDevTokens {
  constructor(private readonly authorityHost: string) {}

  async tokenFor(aadObjectId: string): Promise<string> {
    const response = await fetch(`${this.authorityHost}/_local/entra/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ aadObjectId }),
    });
    // The local issuer refuses only what Entra would have no person for (no object id).
    if (!response.ok) throw new IdentityFailure('tokenRejected', `the local issuer gave no token for "${aadObjectId.slice(0, 64)}" (${response.status})`);
    return ((await response.json()) as { token: string }).token;
  }
}
