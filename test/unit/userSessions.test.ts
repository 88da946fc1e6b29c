/**
 * Session lifecycle across sign-in, sign-out, renewal and instances: the identity chain is a
 * controllable stand-in here (its wire behaviour is covered by the integration tests), the store
 * is the real memory StateStorage shared by two UserSessions as two instances would share it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { IdentityFailure } from '../../src/identity/identityFailure';
import { RefreshTokenStore } from '../../src/identity/refreshTokenStore';
import { UserSessions } from '../../src/identity/userSessions';
import type { AwsCredentials } from '../../src/domain/credentials';
import { MemoryStateStorage } from '../../src/state/memoryStateStorage';

const HOUR = 3600_000;

/** An identity chain whose refresh calls wait until the test lets them go. */
class ControlledChain {
  readonly refreshedWith: string[] = [];
  private pending: Array<() => void> = [];
  private rotation = 0;
  refuse = new Set<string>();

  async exchangeEntraToken(token: string) {
    return { identityContext: `context-of-${token}`, refreshToken: `rt-signin-${token}` };
  }

  async refresh(refreshToken: string) {
    this.refreshedWith.push(refreshToken);
    await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.refuse.has(refreshToken)) throw new IdentityFailure('signInRequired', 'refresh token spent');
    this.rotation += 1;
    return { identityContext: `context-${this.rotation}`, refreshToken: `rt-rotated-${this.rotation}` };
  }

  async assumeQUserRole(identityContext: string): Promise<AwsCredentials> {
    return { accessKeyId: identityContext, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + HOUR) };
  }

  /** Lets every waiting refresh finish. */
  release(): void {
    const waiting = this.pending;
    this.pending = [];
    waiting.forEach((resolve) => resolve());
  }

  async waitForRefreshes(count: number): Promise<void> {
    while (this.refreshedWith.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('user sessions: sign-in, sign-out and renewal, on one instance and two', () => {
  const key = randomBytes(32);
  const logger = pino({ level: 'silent' });
  let storage: MemoryStateStorage;
  let chain: ControlledChain;
  const sessions = (): UserSessions => new UserSessions({ chain, refreshTokens: new RefreshTokenStore(storage, key), logger, now: () => new Date() });
  const stored = async () => (await new RefreshTokenStore(storage, key).read('ada'))?.token;

  beforeEach(async () => {
    storage = new MemoryStateStorage({ sweepIntervalMs: 0 });
    chain = new ControlledChain();
    await new RefreshTokenStore(storage, key).save('ada', 'rt-1');
  });

  it('/signout during a renewal leaves nothing behind', async () => {
    const instance = sessions();
    const renewing = instance.credentialsFor('ada');
    await chain.waitForRefreshes(1);
    await instance.signOut('ada');
    chain.release();
    await assert.rejects(renewing, (error) => error instanceof IdentityFailure && error.kind === 'signInRequired');
    assert.equal(await stored(), undefined, 'no refresh token written back');
    await assert.rejects(instance.credentialsFor('ada'), (error) => error instanceof IdentityFailure && error.kind === 'signInRequired');
  });

  it('a fresh sign-in is never swallowed by a renewal in flight', async () => {
    const instance = sessions();
    const renewing = instance.credentialsFor('ada');
    await chain.waitForRefreshes(1);
    const signedIn = await instance.signIn('ada', { token: 'entra-token', oid: 'o', tid: 't', expiresAt: new Date(Date.now() + HOUR) });
    assert.equal(signedIn.accessKeyId, 'context-of-entra-token', 'the sign-in ran its own exchange');
    chain.release();
    const afterRenewal = await renewing;
    assert.equal(afterRenewal.accessKeyId, 'context-of-entra-token', 'the caller of the stale renewal gets the new session');
    assert.equal((await instance.credentialsFor('ada')).accessKeyId, 'context-of-entra-token');
    assert.equal(await stored(), 'rt-signin-entra-token', 'the renewal did not overwrite the new refresh token');
  });

  it('two instances renewing at once never redeem the same refresh token', async () => {
    const [first, second] = [sessions(), sessions()];
    const a = first.credentialsFor('ada');
    await chain.waitForRefreshes(1);
    const b = second.credentialsFor('ada');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(chain.refreshedWith, ['rt-1'], 'the second instance waits for the first');
    chain.release();
    await a;
    await chain.waitForRefreshes(2);
    chain.release();
    await b;
    assert.deepEqual(chain.refreshedWith, ['rt-1', 'rt-rotated-1'], 'the second redeemed the rotated token');
    assert.equal(await stored(), 'rt-rotated-2');
  });

  it('a renewal refused on one instance does not delete the token another instance just rotated', async () => {
    const [first, second] = [sessions(), sessions()];
    chain.refuse.add('rt-1');
    const refused = first.credentialsFor('ada');
    await chain.waitForRefreshes(1);
    // Meanwhile a fresh sign-in elsewhere stores a new token.
    await second.signIn('ada', { token: 'fresh', oid: 'o', tid: 't', expiresAt: new Date(Date.now() + HOUR) });
    chain.release();
    await assert.rejects(refused, (error) => error instanceof IdentityFailure && error.kind === 'signInRequired');
    assert.equal(await stored(), 'rt-signin-fresh');
  });
});
