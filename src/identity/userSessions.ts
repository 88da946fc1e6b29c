/**
 * Each person's identity-aware AWS credentials: kept in memory until a safety margin before they
 * expire, renewed with the Identity Center refresh token without involving the person, and only
 * when that fails does the caller hear `signInRequired` (so Teams SSO runs again).
 * Credentials live in a map keyed by the person; nothing here is shared between people.
 *
 * Several instances share the stored refresh token: a renewal claims it first, so two instances
 * never redeem the same token, and a rotation is written only over the version it came from.
 * A sign-in or sign-out bumps the person's generation here, so a renewal still in flight can
 * neither swallow a fresh sign-in nor bring back a session the person just ended.
 */
import type { Logger } from 'pino';
import type { AwsCredentials } from '../domain/credentials';
import type { AwsIdentityChain } from './awsIdentityChain';
import type { ValidatedToken } from './entraToken';
import { IdentityFailure } from './identityFailure';
import type { RefreshTokenStore, StoredRefreshToken } from './refreshTokenStore';

export const RENEWAL_MARGIN_MS = 5 * 60 * 1000;
/** How long one instance may hold a refresh token it is redeeming (Identity Center + STS). */
const RENEWAL_CLAIM_MS = 20_000;
const RENEWAL_POLL_MS = 200;

export interface SessionDependencies {
  chain: Pick<AwsIdentityChain, 'exchangeEntraToken' | 'refresh' | 'assumeQUserRole'>;
  refreshTokens: RefreshTokenStore;
  logger: Logger;
  now: () => Date;
}

export class UserSessions {
  private readonly credentials = new Map<string, AwsCredentials>();
  /** One renewal per person at a time in this process: concurrent questions share it. */
  private readonly renewals = new Map<string, Promise<AwsCredentials>>();
  /** Bumped by every sign-in and sign-out: work started under an older generation is discarded. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly deps: SessionDependencies) {}

  async credentialsFor(userKey: string): Promise<AwsCredentials> {
    const cached = this.credentials.get(userKey);
    if (cached && cached.expiration.getTime() - RENEWAL_MARGIN_MS > this.deps.now().getTime()) return cached;
    const running = this.renewals.get(userKey);
    if (running) return running;
    const generation = this.generationOf(userKey);
    const renewal = this.renew(userKey, generation).finally(() => {
      if (this.renewals.get(userKey) === renewal) this.renewals.delete(userKey);
    });
    this.renewals.set(userKey, renewal);
    try {
      const credentials = await renewal;
      if (this.generationOf(userKey) === generation) return credentials;
    } catch (error) {
      if (this.generationOf(userKey) === generation) throw error;
    }
    // Signed in or out while renewing: the newer state rules.
    return this.credentialsFor(userKey);
  }

  /** A validated Teams SSO token → Identity Center → STS; replaces any session the person had. */
  async signIn(userKey: string, entraToken: ValidatedToken): Promise<AwsCredentials> {
    const generation = this.bump(userKey);
    const tokens = await this.deps.chain.exchangeEntraToken(entraToken.token);
    if (tokens.refreshToken) await this.deps.refreshTokens.save(userKey, tokens.refreshToken);
    return this.startSession(userKey, generation, tokens.identityContext, 'sign-in');
  }

  /** AWS refused the person's credentials (a revoked session): the next request renews them. */
  dropCredentials(userKey: string): void {
    this.credentials.delete(userKey);
  }

  async signOut(userKey: string): Promise<void> {
    this.bump(userKey);
    this.credentials.delete(userKey);
    this.renewals.delete(userKey);
    await this.deps.refreshTokens.delete(userKey);
  }

  private async renew(userKey: string, generation: number): Promise<AwsCredentials> {
    this.credentials.delete(userKey);
    const stored = await this.claimStoredToken(userKey);
    try {
      const tokens = await this.deps.chain.refresh(stored.token);
      if (this.generationOf(userKey) !== generation) throw new IdentityFailure('signInRequired', 'signed in or out during the renewal');
      const rotated = tokens.refreshToken && tokens.refreshToken !== stored.token ? tokens.refreshToken : stored.token;
      // Written over the claimed version only: this also releases the claim.
      await this.deps.refreshTokens.rotate(userKey, rotated, stored.eTag);
      return await this.startSession(userKey, generation, tokens.identityContext, 'refresh');
    } catch (error) {
      if (error instanceof IdentityFailure && error.kind === 'signInRequired' && this.generationOf(userKey) === generation) {
        // The token is spent or revoked: forget it (only that version) so the next attempt goes to SSO.
        await this.deps.refreshTokens.delete(userKey, stored.eTag);
        this.deps.logger.info({ event: 'session', outcome: 'refreshRefused', detail: error.adminDetail }, 'session renewal refused; silent sign-in follows');
      } else if (!(error instanceof IdentityFailure && error.kind === 'signInRequired')) {
        // A transient failure: hand the unspent token back at once instead of holding the claim.
        await this.deps.refreshTokens.rotate(userKey, stored.token, stored.eTag).catch(() => undefined);
      }
      throw error;
    }
  }

  /** The stored token, claimed for this instance; waits while another instance redeems it. */
  private async claimStoredToken(userKey: string): Promise<StoredRefreshToken & { eTag: string }> {
    const deadline = this.deps.now().getTime() + RENEWAL_CLAIM_MS;
    for (;;) {
      const stored = await this.deps.refreshTokens.read(userKey);
      if (!stored) throw new IdentityFailure('signInRequired', 'no stored session for this person');
      const now = this.deps.now().getTime();
      if ((stored.renewingUntil ?? 0) > now && now < deadline) {
        await new Promise((resolve) => setTimeout(resolve, RENEWAL_POLL_MS));
        continue;
      }
      const eTag = await this.deps.refreshTokens.claimRenewal(userKey, stored, now + RENEWAL_CLAIM_MS);
      if (eTag) return { ...stored, eTag };
    }
  }

  private async startSession(userKey: string, generation: number, identityContext: string, how: 'sign-in' | 'refresh'): Promise<AwsCredentials> {
    const credentials = await this.deps.chain.assumeQUserRole(identityContext, userKey);
    if (this.generationOf(userKey) === generation) this.credentials.set(userKey, credentials);
    this.deps.logger.info({ event: 'session', outcome: how, expiresAt: credentials.expiration.toISOString() }, 'session started');
    return credentials;
  }

  private generationOf(userKey: string): number {
    return this.generations.get(userKey) ?? 0;
  }

  private bump(userKey: string): number {
    const next = this.generationOf(userKey) + 1;
    this.generations.set(userKey, next);
    return next;
  }
}
