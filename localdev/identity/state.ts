/**
 * Identity state shared by the local Entra issuer, Identity Center and STS, so the local
 * Q Business service can tell which person each set of temporary credentials belongs to.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** The local services' clock; tests move it to make credentials look old or fresh. */
export class LocalClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** What the local Identity Center and STS share: identity state, the clock, call records, faults. */
export interface LocalIdentityServiceContext {
  state: IdentityState;
  clock: LocalClock;
  record(operation: string, principal: string, details: Record<string, unknown>): void;
  fault(operation: string): { error?: string; message?: string; latencyMs?: number } | undefined;
}

export interface IdentityContext {
  idcUserId: string;
  email: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** Set only for identity-aware sessions (AssumeRole with an Identity Center context). */
  idcUserId?: string;
  roleSessionName: string;
  /** Set for sessions of a role assumed with a web identity (the bot's role on Azure): they may sign the bot's calls. */
  webIdentityRoleArn?: string;
}

export class IdentityState {
  /** Identity contexts Identity Center handed out, by their opaque value. */
  readonly contexts = new Map<string, IdentityContext>();
  /** Refresh tokens Identity Center handed out. */
  readonly refreshTokens = new Map<string, IdentityContext & { revoked: boolean }>();
  /** Assertions already exchanged: Identity Center refuses to see one twice. */
  readonly usedAssertions = new Set<string>();
  /** STS sessions by access key id. */
  readonly credentials = new Map<string, IssuedCredentials>();

  newIdentityContext(identity: IdentityContext): string {
    const value = `idctx-${randomBytes(24).toString('base64url')}`;
    this.contexts.set(value, identity);
    return value;
  }

  newRefreshToken(identity: IdentityContext): string {
    const value = `aorAAAAA${randomBytes(32).toString('base64url')}`;
    this.refreshTokens.set(value, { ...identity, revoked: false });
    return value;
  }

  issueCredentials(expiration: Date, roleSessionName: string, idcUserId?: string, webIdentityRoleArn?: string): IssuedCredentials {
    const issued: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(48).toString('base64')}`,
      expiration,
      roleSessionName,
      ...(idcUserId ? { idcUserId } : {}),
      ...(webIdentityRoleArn ? { webIdentityRoleArn } : {}),
    };
    this.credentials.set(issued.accessKeyId, issued);
    return issued;
  }

  /** Every STS session stops working, as when AWS revokes a role's active sessions. */
  revokeSessions(): void {
    this.credentials.clear();
  }

  revokeRefreshTokens(): void {
    for (const token of this.refreshTokens.values()) token.revoked = true;
  }

  reset(): void {
    this.contexts.clear();
    this.refreshTokens.clear();
    this.usedAssertions.clear();
    this.credentials.clear();
  }

  static requestId(): string {
    return randomUUID();
  }
}
