/**
 * Where Q Business clients come from. The bot asks for "the client for this user"; today every
 * user shares one client on the AWS SDK's default credential chain. Per-user identity-aware
 * credentials plug in behind the same interface, reusing the one HTTP/2 handler so no request
 * pays for a new connection.
 */
import { QBusinessClient } from '@aws-sdk/client-qbusiness';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import type { AskingUser } from '../domain/askingUser';
import type { AwsCredentials, AwsCredentialsSource } from '../domain/credentials';

export interface QClientProvider {
  clientFor(user: AskingUser): Promise<QBusinessClient>;
  /** AWS refused this person's credentials: forget them, so the next request gets new ones. */
  credentialsRejected(user: AskingUser): void;
  destroy(): void;
}

/** One HTTP/2 handler for all clients: sessions are pooled per endpoint and streams multiplexed. */
export function sharedHttp2Handler(): NodeHttp2Handler {
  return new NodeHttp2Handler({ disableConcurrentStreams: false, sessionTimeout: 60_000, requestTimeout: 60_000 });
}

/** Every user on the process's own AWS credentials (the SDK's default chain). */
export class DefaultChainClientProvider implements QClientProvider {
  private readonly client: QBusinessClient;

  /** `ownCredentials`: the bot's own AWS credentials when not from the SDK's default chain (e.g. Azure managed identity). */
  constructor(region: string, ownCredentials?: AwsCredentialsSource, requestHandler: NodeHttp2Handler = sharedHttp2Handler()) {
    this.client = new QBusinessClient({ region, requestHandler, ...(ownCredentials ? { credentials: ownCredentials } : {}) });
  }

  async clientFor(_user: AskingUser): Promise<QBusinessClient> {
    return this.client;
  }

  credentialsRejected(_user: AskingUser): void {
    // The bot's own credentials come from the SDK's chain, which refreshes them itself.
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** Whatever can hand out one person's AWS credentials (src/identity/userSessions). */
export interface CredentialsForUser {
  credentialsFor(userKey: string): Promise<AwsCredentials>;
  dropCredentials(userKey: string): void;
}

/**
 * One Q client per person, each signing only with that person's identity-aware credentials, all
 * sharing one HTTP/2 handler. A client is bound to its person at creation, so concurrent
 * requests of different people can never be signed with each other's credentials.
 */
export class PerUserClientProvider implements QClientProvider {
  private readonly clients = new Map<string, QBusinessClient>();

  constructor(
    private readonly region: string,
    private readonly sessions: CredentialsForUser,
    private readonly requestHandler: NodeHttp2Handler = sharedHttp2Handler(),
    private readonly maxClients = 1000,
  ) {}

  async clientFor(user: AskingUser): Promise<QBusinessClient> {
    // Fails fast (sign-in required, renewal refused) before any request is built.
    await this.sessions.credentialsFor(user.key);
    let client = this.clients.get(user.key);
    if (client) {
      // Map order is insertion order: re-inserting marks the client as recently used.
      this.clients.delete(user.key);
    } else {
      client = new QBusinessClient({ region: this.region, requestHandler: this.requestHandler, credentials: () => this.sessions.credentialsFor(user.key) });
    }
    this.clients.set(user.key, client);
    if (this.clients.size > this.maxClients) {
      // Not destroyed: destroying a client would close the shared handler.
      this.clients.delete(this.clients.keys().next().value as string);
    }
    return client;
  }

  credentialsRejected(user: AskingUser): void {
    this.sessions.dropCredentials(user.key);
    // The client memoises the identity it signed with: a new one asks for the new credentials.
    this.clients.delete(user.key);
  }

  destroy(): void {
    this.clients.clear();
    this.requestHandler.destroy();
  }
}
