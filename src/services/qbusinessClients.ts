/**
 * Where Q Business clients come from. The bot asks for "the client for this user"; today every
 * user shares one client on the AWS SDK's default credential chain. Per-user identity-aware
 * credentials plug in behind the same interface, reusing the one HTTP/2 handler so no request
 * pays for a new connection.
 */
import { QBusinessClient } from '@aws-sdk/client-qbusiness';
import { NodeHttp2Handler } from '@smithy/node-http-handler';

/** The person a Q call is made for: a stable key derived from their Teams identity. */
export interface AskingUser {
  key: string;
  name?: string;
}

export interface QClientProvider {
  clientFor(user: AskingUser): Promise<QBusinessClient>;
  destroy(): void;
}

/** One HTTP/2 handler for all clients: sessions are pooled per endpoint and streams multiplexed. */
export function sharedHttp2Handler(): NodeHttp2Handler {
  return new NodeHttp2Handler({ disableConcurrentStreams: false, sessionTimeout: 60_000, requestTimeout: 60_000 });
}

/** Every user on the process's own AWS credentials (the SDK's default chain). */
export class DefaultChainClientProvider implements QClientProvider {
  private readonly client: QBusinessClient;

  constructor(region: string, requestHandler: NodeHttp2Handler = sharedHttp2Handler()) {
    this.client = new QBusinessClient({ region, requestHandler });
  }

  async clientFor(_user: AskingUser): Promise<QBusinessClient> {
    return this.client;
  }

  destroy(): void {
    this.client.destroy();
  }
}
