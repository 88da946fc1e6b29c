/**
 * Microsoft Graph's meeting transcripts for the bot, locally, and the Entra token endpoint that
 * lets the bot reach them without a secret:
 * - `POST /{tenant}/oauth2/v2.0/token` (client credentials with a `client_assertion`): the
 *   assertion must be a token of the local managed identity for api://AzureADTokenExchange that
 *   matches a federated identity credential of the app (issuer, subject, audience), as Entra checks.
 * - `GET /msgraph/v1.0/users/{organizer}/onlineMeetings/{id}/transcripts` and
 *   `…/transcripts/{id}/content?$format=text/vtt`, for the app-only token, with Graph's refusals:
 *   403 when resource-specific consent was not granted, 404 for an expired meeting, 429 with
 *   Retry-After when a test asks for throttling.
 * A sample meeting (organiser Ada) has a transcript that disagrees with the sample travel policy.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { DIRECTORY, LOCAL_AAD_CLIENT_ID, LOCAL_TENANT_ID } from '../directory';
import { json, type Exchange } from '../http';
import { managedIdentityIssuer } from '../../deploy/aws/iam';
import { LOCAL_MI_PRINCIPAL_ID, LOCAL_MI_TENANT_ID } from '../identity/managedIdentity';
import type { LocalClock } from '../identity/state';
import { startHttpsAuthority, type HttpsAuthority } from './httpsAuthority';

export const MS_GRAPH_PREFIX = '/msgraph';

const organizer = DIRECTORY.find((person) => person.name === 'Ada Lovelace');
/** The sample meeting's chat, and its ids as Teams (channelData.meeting.id) and Graph name them. */
export const SAMPLE_MEETING_CHAT_ID = '19:meeting_T2ZmLXNpdGUtcGxhbm5pbmc@thread.v2';
export const SAMPLE_MEETING_ORGANIZER_ID = organizer?.aadObjectId ?? '';
export const SAMPLE_TEAMS_MEETING_ID = Buffer.from(`0#${SAMPLE_MEETING_CHAT_ID}#0`).toString('base64');
export const SAMPLE_GRAPH_MEETING_ID = Buffer.from(`1*${SAMPLE_MEETING_ORGANIZER_ID}*0**${SAMPLE_MEETING_CHAT_ID}`).toString('base64');
export const SAMPLE_TRANSCRIPT_VTT = readFileSync(resolve(__dirname, '../../../localdev/graph/sample-transcript.vtt'), 'utf8');

export interface LocalTranscript {
  id: string;
  createdDateTime: string;
  vtt: string;
}

export interface LocalMeeting {
  organizerId: string;
  chatId: string;
  /** Resource-specific consent granted when the app was added to the meeting chat. */
  consentGranted: boolean;
  expired: boolean;
  transcripts: LocalTranscript[];
}

export interface FederatedCredential {
  appId: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

/** Teams' meeting API answer for the sample meeting (as `GET /v1/meetings/{id}` gives it): it ended two hours ago. */
export function sampleTeamsMeetingInfo(meeting: LocalMeeting, now: Date): Record<string, unknown> {
  const end = new Date(now.getTime() - 2 * 60 * 60 * 1000);
  return {
    details: {
      id: SAMPLE_TEAMS_MEETING_ID,
      msGraphResourceId: SAMPLE_GRAPH_MEETING_ID,
      scheduledStartTime: new Date(end.getTime() - 60 * 60 * 1000).toISOString(),
      scheduledEndTime: end.toISOString(),
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/local-sample',
      title: 'Berlin sales offsite planning',
      type: 'Scheduled',
    },
    conversation: { id: meeting.chatId, isGroup: true, conversationType: 'groupChat' },
    organizer: { id: '29:local-organizer', aadObjectId: meeting.organizerId, tenantId: LOCAL_TENANT_ID },
  };
}

export class LocalGraphMeetings {
  readonly meetings = new Map<string, LocalMeeting>();
  federatedCredentials: FederatedCredential[] = [];
  /** The next N Graph requests answer 429 with this Retry-After. */
  throttle = { remaining: 0, retryAfterSeconds: 1 };
  /** Every request served (method, path, whether a transcript's content went out): tests read it. */
  readonly served: Array<{ method: string; path: string; status: number }> = [];
  private readonly tokens = new Map<string, { appId: string; expiresAt: number }>();
  private authority?: Promise<HttpsAuthority>;

  constructor(
    private readonly clock: LocalClock,
    private readonly managedIdentityKeys: JSONWebKeySet,
  ) {
    this.reset();
  }

  /** The sample meeting with its transcript, and the app's federated credential for the managed identity. */
  reset(): void {
    this.meetings.clear();
    this.meetings.set(SAMPLE_GRAPH_MEETING_ID, {
      organizerId: SAMPLE_MEETING_ORGANIZER_ID,
      chatId: SAMPLE_MEETING_CHAT_ID,
      consentGranted: true,
      expired: false,
      transcripts: [{ id: 'MSMjMCMjc2FtcGxlLXRyYW5zY3JpcHQ=', createdDateTime: '2026-12-01T10:31:00Z', vtt: SAMPLE_TRANSCRIPT_VTT }],
    });
    this.federatedCredentials = [{ appId: LOCAL_AAD_CLIENT_ID, issuer: `https://${managedIdentityIssuer(LOCAL_MI_TENANT_ID)}`, subject: LOCAL_MI_PRINCIPAL_ID, audiences: ['api://AzureADTokenExchange'] }];
    this.throttle = { remaining: 0, retryAfterSeconds: 1 };
    this.served.length = 0;
  }

  /** The token endpoint over HTTPS (started on first use): GRAPH_AUTHORITY_HOST and NODE_EXTRA_CA_CERTS for the bot. */
  httpsAuthority(): Promise<HttpsAuthority> {
    this.authority ??= startHttpsAuthority((exchange) => this.handleToken(exchange));
    return this.authority;
  }

  async close(): Promise<void> {
    if (this.authority) await (await this.authority).close();
  }

  sampleMeeting(): LocalMeeting {
    return this.meetings.get(SAMPLE_GRAPH_MEETING_ID) as LocalMeeting;
  }

  /** Entra's token endpoint (served over HTTPS by ./httpsAuthority, since MSAL needs https). */
  async handleToken(exchange: Exchange): Promise<boolean> {
    const path = exchange.url.pathname;
    if (exchange.method !== 'POST' || !/^\/[0-9a-f-]{36}\/oauth2\/v2\.0\/token$/.test(path)) return false;
    await this.token(exchange, path.split('/')[1] as string);
    return true;
  }

  /**
   * Graph's transcript endpoints (and the token endpoint, for plain-HTTP clients such as tests);
   * for the playground, which has no Teams meeting API, Teams' `GET /v1/meetings/{id}` for the
   * sample meeting; and `GET /_local/graph`: the settings a bot needs to reach all this.
   */
  async handle(exchange: Exchange, botSettings: () => Record<string, string>): Promise<boolean> {
    if (await this.handleToken(exchange)) return true;
    const path = exchange.url.pathname;
    if (exchange.method === 'GET' && path === '/_local/graph') {
      const authority = await this.httpsAuthority();
      json(exchange, 200, { GRAPH_AUTHORITY_HOST: authority.url, NODE_EXTRA_CA_CERTS: authority.caFile, ...botSettings() });
      return true;
    }
    const teamsMeeting = /^\/v1\/meetings\/([^/]+)$/.exec(path);
    if (exchange.method === 'GET' && teamsMeeting) {
      const meeting = decodeURIComponent(teamsMeeting[1] ?? '') === SAMPLE_TEAMS_MEETING_ID ? this.sampleMeeting() : undefined;
      if (!meeting) json(exchange, 404, { error: { code: 'NotFound', message: 'Meeting not found.' } });
      else json(exchange, 200, sampleTeamsMeetingInfo(meeting, this.clock.now()));
      return true;
    }
    if (!path.startsWith(`${MS_GRAPH_PREFIX}/`)) return false;
    this.graph(exchange, decodeURIComponent(path.slice(MS_GRAPH_PREFIX.length)));
    return true;
  }

  private async token(exchange: Exchange, tenantId: string): Promise<void> {
    const form = new URLSearchParams(exchange.body);
    const refuse = (code: string, description: string): void => json(exchange, 400, { error: code, error_description: description });
    if (form.get('grant_type') !== 'client_credentials') return refuse('unsupported_grant_type', 'AADSTS70003: only client_credentials is served locally.');
    if (form.get('client_secret')) return refuse('invalid_client', 'AADSTS7000215: this app has no client secret; use its federated credential.');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse('invalid_client', 'AADSTS7000216: client_assertion is required.');
    const appId = form.get('client_id') ?? '';
    if (tenantId !== LOCAL_TENANT_ID) return refuse('invalid_request', `AADSTS90002: Tenant '${tenantId}' not found.`);
    if (!(form.get('scope') ?? '').split(' ').includes('https://graph.microsoft.com/.default')) return refuse('invalid_scope', 'AADSTS1002012: the scope must be https://graph.microsoft.com/.default.');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(form.get('client_assertion') ?? '', createLocalJWKSet(this.managedIdentityKeys), { currentDate: this.clock.now() }));
    } catch {
      return refuse('invalid_client', 'AADSTS700211: No matching federated identity record found for presented assertion issuer.');
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const match = this.federatedCredentials.find(
      (credential) => credential.appId === appId && credential.issuer === claims.iss && credential.subject === claims.sub && audiences.some((audience) => credential.audiences.includes(String(audience)) || audience === 'fb60f99c-7a34-4190-8149-302f77469936'),
    );
    if (!match) return refuse('invalid_client', 'AADSTS700213: No matching federated identity record found for presented assertion subject.');
    const token = `local-graph-app-token:${randomUUID()}`;
    this.tokens.set(token, { appId, expiresAt: this.clock.now().getTime() + 3600_000 });
    json(exchange, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  private graph(exchange: Exchange, rest: string): void {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      this.served.push({ method: exchange.method, path: rest, status });
      if (typeof body === 'string') exchange.respond(status, { 'content-type': 'text/vtt', 'request-id': randomUUID(), ...headers }, body);
      else json(exchange, status, body, { 'request-id': randomUUID(), ...headers });
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => reply(status, { error: { code, message } }, headers);
    const bearer = (exchange.headers.authorization ?? '').replace(/^Bearer /, '');
    const token = this.tokens.get(bearer);
    if (!token || token.expiresAt <= this.clock.now().getTime()) return error(401, 'InvalidAuthenticationToken', 'Access token is empty or not valid.');
    if (exchange.method !== 'GET') return error(405, 'MethodNotAllowed', 'The local Graph serves reads only.');
    if (this.throttle.remaining > 0) {
      this.throttle.remaining -= 1;
      return error(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': String(this.throttle.retryAfterSeconds) });
    }
    const match = /^\/v1\.0\/users\/([^/]+)\/onlineMeetings\/([^/]+)\/transcripts(?:\/([^/]+)(\/content)?)?$/.exec(rest);
    if (!match) return error(400, 'BadRequest', `The local Graph does not serve ${rest}.`);
    const [, userId, meetingId, transcriptId, content] = match;
    const meeting = this.meetings.get(meetingId as string);
    if (!meeting || meeting.organizerId !== userId || meeting.expired) return error(404, 'NotFound', 'The meeting was not found or has expired.');
    if (!meeting.consentGranted) return error(403, 'Forbidden', 'Application does not have permission to access this meeting (no resource-specific consent for its chat).');
    if (!transcriptId) return reply(200, { value: meeting.transcripts.map(({ id, createdDateTime }) => ({ id, meetingId, createdDateTime, meetingOrganizer: { user: { id: userId } } })) });
    const transcript = meeting.transcripts.find((candidate) => candidate.id === transcriptId);
    if (!transcript) return error(404, 'NotFound', 'Transcript not found.');
    if (!content) return reply(200, { id: transcript.id, meetingId, createdDateTime: transcript.createdDateTime });
    if (exchange.url.searchParams.get('$format') !== 'text/vtt') return error(400, 'BadRequest', 'Ask for $format=text/vtt.');
    return reply(200, transcript.vtt);
  }
}
