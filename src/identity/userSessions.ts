/**
 * Each person's identity-aware AWS credentials: kept in memory until a safety margin before they
 * expire, renewed with the Identity Center refresh token without involving the person, and only
 * when that fails does the caller hear `signInRequired` (so Teams SSO runs again).
 * Credentials live in a map keyed by the person; nothing here is shared between people.
 */
import type { Logger } from 'pino';
import type { AwsIdentityChain, UserAwsCredentials } from './awsIdentityChain';
import type { ValidatedToken } from './entraToken';
import { IdentityFailure } from './identityFailure';
import type { RefreshTokenStore } from './refreshTokenStore';

export const RENEWAL_MARGIN_MS = 5 * 60 * 1000;

export interface SessionDependencies {
  chain: Pick<AwsIdentityChain, 'exchangeEntraToken' | 'refresh' | 'assumeQUserRole'>;
  refreshTokens: RefreshTokenStore;
  logger: Logger;
  now: () => Date;
}

export class UserSessions {
  private readonly credentials = new Map<string, UserAwsCredentials>();
  /** One renewal per person at a time: concurrent questions share it. */
  private readonly renewals = new Map<string, Promise<UserAwsCredentials>>();

  constructor(private readonly deps: SessionDependencies) {}

  async credentialsFor(userKey: string): Promise<UserAwsCredentials> {
    const cached = this.credentials.get(userKey);
    if (cached && cached.expiration.getTime() - RENEWAL_MARGIN_MS > this.deps.now().getTime()) return cached;
    return this.singleFlight(userKey, () => this.renew(userKey));
  }

  /** A validated Teams SSO token → Identity Center → STS; replaces any session the person had. */
  signIn(userKey: string, entraToken: ValidatedToken): Promise<UserAwsCredentials> {
    return this.singleFlight(userKey, async () => {
      const tokens = await this.deps.chain.exchangeEntraToken(entraToken.token);
      if (tokens.refreshToken) await this.deps.refreshTokens.save(userKey, tokens.refreshToken);
      return this.startSession(userKey, tokens.identityContext, 'sign-in');
    });
  }

  async signOut(userKey: string): Promise<void> {
    this.credentials.delete(userKey);
    await this.deps.refreshTokens.delete(userKey);
  }

  private async renew(userKey: string): Promise<UserAwsCredentials> {
    this.credentials.delete(userKey);
    const refreshToken = await this.deps.refreshTokens.read(userKey);
    if (!refreshToken) throw new IdentityFailure('signInRequired', 'no stored session for this person');
    try {
      const tokens = await this.deps.chain.refresh(refreshToken);
      if (tokens.refreshToken && tokens.refreshToken !== refreshToken) await this.deps.refreshTokens.save(userKey, tokens.refreshToken);
      return await this.startSession(userKey, tokens.identityContext, 'refresh');
    } catch (error) {
      if (error instanceof IdentityFailure && error.kind === 'signInRequired') {
        // The refresh token is spent or revoked: forget it so the next attempt goes to SSO.
        await this.deps.refreshTokens.delete(userKey);
        this.deps.logger.info({ event: 'session', outcome: 'refreshRefused', detail: error.adminDetail }, 'session renewal refused; silent sign-in follows');
      }
      throw error;
    }
  }

  private async startSession(userKey: string, identityContext: string, how: 'sign-in' | 'refresh'): Promise<UserAwsCredentials> {
    const credentials = await this.deps.chain.assumeQUserRole(identityContext, userKey);
    this.credentials.set(userKey, credentials);
    this.deps.logger.info({ event: 'session', outcome: how, expiresAt: credentials.expiration.toISOString() }, 'session started');
    return credentials;
  }

  private singleFlight(userKey: string, task: () => Promise<UserAwsCredentials>): Promise<UserAwsCredentials> {
    const running = this.renewals.get(userKey);
    if (running) return running;
    const next = task().finally(() => this.renewals.delete(userKey));
    this.renewals.set(userKey, next);
    return next;
  }
}
