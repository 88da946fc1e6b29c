/**
 * A local stand-in for the Bot Framework's token service, over HTTPS with a throwaway CA:
 * - what the channel side publishes: OpenID metadata and a JWKS whose keys carry `endorsements`
 *   (the channels each key may speak for), and channel tokens signed with them (what Teams sends
 *   the bot with every activity);
 * - what the bot uses for its own outbound token: an Entra-like authority (OpenID configuration and
 *   a client-credentials token endpoint) that checks the bot's id and secret.
 * It counts metadata fetches and can fail them, so tests can prove caching and failing closed.
 * A development tool: the bot reaches it only through botbuilder's own settings.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { createTestCertificates, type TestCertificates } from './testCertificates';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface BotFrameworkServiceOptions {
  botAppId: string;
  botPassword: string;
  tenantId: string;
  /** Channels the published key speaks for. */
  endorsements?: string[];
}

export interface ChannelTokenOptions {
  serviceUrl: string;
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresInSeconds?: number;
  /** Seconds from now before which the token is not valid. */
  notBeforeInSeconds?: number;
  /** `unpublished`: a key the service never published; `otherChannel`: a published key endorsed only for another channel. */
  key?: 'published' | 'unpublished' | 'otherChannel';
  extraClaims?: Record<string, unknown>;
}

export type MetadataFault = 'none' | 'error' | 'hang';

const CHANNEL_KID = 'local-botframework-channel-1';
const OTHER_CHANNEL_KID = 'local-botframework-webchat-1';
const OUTBOUND_KID = 'local-botframework-outbound-1';
export const LOCAL_BOT_OAUTH_SCOPE = 'https://api.botframework.local';

export class LocalBotFrameworkService {
  /** OpenID metadata documents served (the bot's inbound key refreshes). */
  metadataFetches = 0;
  /** Client-credentials tokens issued to the bot. */
  tokensIssued = 0;
  metadataFault: MetadataFault = 'none';
  url = '';
  private server?: https.Server;
  private readonly hanging = new Set<() => void>();

  private constructor(
    readonly options: BotFrameworkServiceOptions,
    private readonly certificates: TestCertificates,
    private readonly keys: { channel: KeyPair; otherChannel: KeyPair; unpublished: KeyPair; outbound: KeyPair },
    private readonly jwks: { channel: JWK; otherChannel: JWK; outbound: JWK },
  ) {}

  static async start(options: BotFrameworkServiceOptions): Promise<LocalBotFrameworkService> {
    const pair = (): Promise<KeyPair> => generateKeyPair('RS256', { extractable: true });
    const keys = { channel: await pair(), otherChannel: await pair(), unpublished: await pair(), outbound: await pair() };
    const publicJwk = async (key: KeyPair, kid: string): Promise<JWK> => ({ ...(await exportJWK(key.publicKey)), kid, use: 'sig' });
    const jwks = {
      channel: { ...(await publicJwk(keys.channel, CHANNEL_KID)), endorsements: options.endorsements ?? ['msteams'] } as JWK,
      otherChannel: { ...(await publicJwk(keys.otherChannel, OTHER_CHANNEL_KID)), endorsements: ['webchat'] } as JWK,
      outbound: await publicJwk(keys.outbound, OUTBOUND_KID),
    };
    const service = new LocalBotFrameworkService(options, createTestCertificates(), keys, jwks);
    await service.listen();
    return service;
  }

  /** The CA file a client must trust (NODE_EXTRA_CA_CERTS). */
  get caFile(): string {
    return this.certificates.caFile;
  }

  get channelIssuer(): string {
    return `${this.url}/channel`;
  }

  /** botbuilder's settings that point a bot at this service, by the names it reads. */
  botSettings(): Record<string, string> {
    return {
      ToBotFromChannelOpenIdMetadataUrl: `${this.url}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: this.channelIssuer,
      ToChannelFromBotLoginUrl: `${this.url}/${this.options.tenantId}`,
      ToChannelFromBotOAuthScope: LOCAL_BOT_OAUTH_SCOPE,
      OAuthUrl: `${this.url}/oauth`,
    };
  }

  /** What the channel sends with an activity: a token for the bot, bound to the activity's serviceUrl. */
  async mintChannelToken(options: ChannelTokenOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = options.key === 'unpublished' ? this.keys.unpublished : options.key === 'otherChannel' ? this.keys.otherChannel : this.keys.channel;
    const kid = options.key === 'otherChannel' ? OTHER_CHANNEL_KID : CHANNEL_KID;
    return new SignJWT({ serviceurl: options.serviceUrl, ...(options.extraClaims ?? {}) })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.channelIssuer)
      .setAudience(options.audience ?? this.options.botAppId)
      .setNotBefore(now + (options.notBeforeInSeconds ?? -60))
      .setIssuedAt(now - 60)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(key.privateKey);
  }

  /** Checks a bearer the bot sent to the connector: signed here, for the connector's scope, by this bot. */
  async verifyBotToken(authorization: string | undefined): Promise<JWTPayload | undefined> {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.keys.outbound.publicKey, { audience: LOCAL_BOT_OAUTH_SCOPE, algorithms: ['RS256'] });
      return payload.appid === this.options.botAppId ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.hanging.forEach((release) => release());
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
    this.certificates.remove();
  }

  private async listen(): Promise<void> {
    this.server = https.createServer({ key: this.certificates.key, cert: this.certificates.cert }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const reply = (status: number, payload: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        };
        void this.route(req.method ?? 'GET', new URL(req.url ?? '/', this.url).pathname, body, reply, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async route(method: string, path: string, body: string, reply: (status: number, payload: unknown) => void, res: import('node:http').ServerResponse): Promise<void> {
    const tenant = this.options.tenantId;
    if (method === 'GET' && (path === '/v1/.well-known/openidconfiguration' || path === '/v1/.well-known/keys')) {
      if (path.endsWith('openidconfiguration')) this.metadataFetches += 1;
      if (this.metadataFault === 'error') return reply(503, { error: 'temporarily_unavailable' });
      if (this.metadataFault === 'hang') {
        // Never answers (until close): a metadata host that swallows connections.
        await new Promise<void>((release) => this.hanging.add(release));
        res.destroy();
        return;
      }
      if (path.endsWith('keys')) return reply(200, { keys: [this.jwks.channel, this.jwks.otherChannel] });
      return reply(200, { issuer: this.channelIssuer, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    }
    if (method === 'GET' && (path === `/${tenant}/v2.0/.well-known/openid-configuration` || path === `/${tenant}/.well-known/openid-configuration`)) {
      return reply(200, {
        issuer: `${this.url}/${tenant}/v2.0`,
        authorization_endpoint: `${this.url}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${this.url}/${tenant}/oauth2/v2.0/token`,
        end_session_endpoint: `${this.url}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (method === 'GET' && path === `/${tenant}/discovery/v2.0/keys`) return reply(200, { keys: [this.jwks.outbound] });
    if (method === 'POST' && path === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials') return reply(400, { error: 'unsupported_grant_type' });
      if (form.get('client_id') !== this.options.botAppId || form.get('client_secret') !== this.options.botPassword) {
        return reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      }
      const scope = (form.get('scope') ?? '').split(' ').find((candidate) => candidate.endsWith('/.default'));
      if (!scope) return reply(400, { error: 'invalid_scope' });
      this.tokensIssued += 1;
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ appid: this.options.botAppId, azp: this.options.botAppId, tid: tenant, ver: '2.0' })
        .setProtectedHeader({ alg: 'RS256', kid: OUTBOUND_KID, typ: 'JWT' })
        .setIssuer(`${this.url}/${tenant}/v2.0`)
        .setAudience(scope.slice(0, -'/.default'.length))
        .setIssuedAt(now)
        .setNotBefore(now - 60)
        .setExpirationTime(now + 3600)
        .sign(this.keys.outbound.privateKey);
      return reply(200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken });
    }
    reply(404, { error: `Nothing at ${method} ${path}` });
  }
}
