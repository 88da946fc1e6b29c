/**
 * DEVELOPMENT ONLY (DEV_LOCAL_SIGN_IN=true): the Agents Playground has no SSO, so the bot asks the
 * local Entra-like issuer for the token Teams would have handed it. The config module refuses
 * this mode unless the issuer and every AWS endpoint are on loopback.
 */
export class LocalDevTokens {
  constructor(private readonly authorityHost: string) {}

  async tokenFor(aadObjectId: string): Promise<string> {
    const response = await fetch(`${this.authorityHost}/_local/entra/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ aadObjectId }),
    });
    if (!response.ok) throw new Error(`the local issuer has no user ${aadObjectId} (${response.status})`);
    return ((await response.json()) as { token: string }).token;
  }
}
