/**
 * A stand-in for the Bot Framework connector (the activity's serviceUrl): records what the bot
 * sends and answers like the real service, so tests assert on the bot's outbound traffic.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  method: string;
  path: string;
  /** The conversation the activity went to, and the activity it replies to or replaces. */
  conversationId: string;
  activityId?: string;
  /** The id the connector gave the activity (what Teams later sends back as replyToId). */
  returnedId: string;
  body: Record<string, any>;
  /** Set when the connector refused the activity (stream refusals on demand). */
  refusedWith?: number;
  /** When it arrived (Date.now()), for measurements. */
  at: number;
}

/** Teams' streaming entity on an activity, if it is part of a stream. */
export function streamInfoOf(body: Record<string, any>): Record<string, any> | undefined {
  return (body.entities as Array<Record<string, any>> | undefined)?.find((entity) => entity.type === 'streaminfo');
}

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  /** Files Teams would let the bot download, by path under /files/ (the attachments' downloadUrl). */
  readonly files = new Map<string, Buffer>();
  private baseUrl = '';
  /** 1:1 chats the bot opened, and whether to refuse the next ones (user without the app). */
  readonly created: Array<{ id: string; parameters: Record<string, any> }> = [];
  refuseCreate = false;
  /** Teams' meeting API (GET /v1/meetings/{id}): the meeting info by Teams meeting id, or a refusal status. */
  readonly meetings = new Map<string, Record<string, unknown> | number>();
  /** Meeting API calls received (meeting ids). */
  readonly meetingLookups: string[] = [];
  /** Team rosters Teams' roster API answers from (`GET /v3/conversations/{team}/members/{user}`), by team id. */
  readonly teamMembers = new Map<string, Set<string>>();
  /** Roster look-ups the bot made. */
  rosterLookups = 0;
  /** When set, every call must carry a bearer this accepts (the bot's outbound token); others get 401. */
  requireBearer?: (authorization: string | undefined) => Promise<boolean>;
  /** Calls refused for a missing or invalid bearer. */
  unauthorized = 0;
  /**
   * Refuse stream updates as Teams does, once `afterUpdates` updates of a stream were accepted:
   * 403 ContentStreamNotAllowed (the person pressed Stop) or 429 (over quota). Applies to the
   * next stream only.
   */
  refuseStream?: { status: 403 | 429; afterUpdates: number; refuseFinal?: boolean };
  private server?: http.Server;
  private waiters: Array<() => void> = [];
  /** Called with each recorded activity (the bench follows many conversations at once). */
  private readonly listeners: Array<(activity: SentActivity) => void> = [];
  private counter = 0;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', async () => {
        if (this.requireBearer && !/^\/(files|redirect)\//.test(req.url ?? '') && !(await this.requireBearer(req.headers.authorization))) {
          this.unauthorized += 1;
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } }));
          return;
        }
        if (req.method === 'GET' && req.url?.startsWith('/redirect/')) {
          res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect/'.length)) });
          res.end();
          return;
        }
        if (req.method === 'GET' && req.url?.startsWith('/files/')) {
          const file = this.files.get(decodeURIComponent(req.url.slice('/files/'.length)));
          res.writeHead(file ? 200 : 404, file ? { 'content-type': 'application/octet-stream', 'content-length': String(file.length) } : {});
          res.end(file);
          return;
        }
        const meeting = /^\/v1\/meetings\/([^/?]+)/.exec(req.url ?? '');
        if (req.method === 'GET' && meeting) {
          const id = decodeURIComponent(meeting[1] ?? '');
          this.meetingLookups.push(id);
          const found = this.meetings.get(id) ?? 404;
          res.writeHead(typeof found === 'number' ? found : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(typeof found === 'number' ? { error: { code: found === 403 ? 'Forbidden' : 'NotFound', message: 'Meeting lookup refused.' } } : found));
          return;
        }
        const roster = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)$/.exec(req.url ?? '');
        if (req.method === 'GET' && roster) {
          this.rosterLookups += 1;
          const [teamId, userId] = [decodeURIComponent(roster[1] ?? ''), decodeURIComponent(roster[2] ?? '')];
          const member = this.teamMembers.get(teamId)?.has(userId);
          res.writeHead(member ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(member ? { id: userId, name: userId } : { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } }));
          return;
        }
        if (req.method === 'POST' && req.url === '/v3/conversations') {
          // createConversation: a new 1:1 chat; its id is what later activities are posted to.
          this.counter += 1;
          const id = `a:private-${this.counter}`;
          this.created.push({ id, parameters: JSON.parse(raw || '{}') });
          res.writeHead(this.refuseCreate ? 403 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.refuseCreate ? { error: { code: 'Forbidden', message: 'The bot is not part of the conversation roster.' } } : { id }));
          return;
        }
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
        if (!match) {
          // Separate calls: restify, when loaded in the same process, patches writeHead's return value.
          res.writeHead(404);
          res.end();
          return;
        }
        this.counter += 1;
        const body = JSON.parse(raw || '{}') as Record<string, any>;
        const refusal = this.streamRefusal(body);
        this.sent.push({
          method: req.method ?? '',
          path: req.url ?? '',
          conversationId: decodeURIComponent(match[1] ?? ''),
          ...(match[2] ? { activityId: decodeURIComponent(match[2]) } : {}),
          returnedId: `sent-${this.counter}`,
          body,
          ...(refusal ? { refusedWith: refusal.status } : {}),
          at: Date.now(),
        });
        const recorded = this.sent[this.sent.length - 1] as SentActivity;
        this.listeners.forEach((listener) => listener(recorded));
        if (refusal) {
          res.writeHead(refusal.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: refusal.code, message: refusal.message } }));
        } else {
          // Teams answers a stream's first update 201 (its id becomes the streamId), later ones 202.
          const status = streamInfoOf(body) ? (streamInfoOf(body)?.streamId ? 202 : 201) : 200;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: `sent-${this.counter}` }));
        }
        this.waiters.forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.baseUrl;
  }

  private acceptedUpdates = 0;

  private streamRefusal(body: Record<string, any>): { status: number; code: string; message: string } | undefined {
    const info = streamInfoOf(body);
    const rule = this.refuseStream;
    if (!info || !rule) return undefined;
    const isFinal = info.streamType === 'final';
    if (!isFinal && this.acceptedUpdates < rule.afterUpdates) {
      this.acceptedUpdates += 1;
      return undefined;
    }
    if (isFinal) {
      this.refuseStream = undefined;
      this.acceptedUpdates = 0;
      if (!rule.refuseFinal) return undefined;
    }
    if (rule.status === 403) {
      // The stream is over for Teams: the rule does not outlive it.
      this.refuseStream = undefined;
      this.acceptedUpdates = 0;
    }
    return rule.status === 403
      ? { status: 403, code: 'ContentStreamNotAllowed', message: 'Content stream was cancelled by user.' }
      : { status: 429, code: 'Throttled', message: 'Too many requests.' };
  }

  /** The streaming activities (updates and final) the bot sent, in order. */
  streamed(): Array<SentActivity & { info: Record<string, any> }> {
    return this.sent.flatMap((activity) => {
      const info = streamInfoOf(activity.body);
      return info ? [{ ...activity, info }] : [];
    });
  }

  onSent(listener: (activity: SentActivity) => void): void {
    this.listeners.push(listener);
  }

  /** Messages (not typing) the bot posted to a conversation, in order. */
  messages(conversationId?: string): SentActivity[] {
    return this.sent.filter((activity) => activity.body.type === 'message' && activity.method === 'POST' && (!conversationId || activity.conversationId === conversationId));
  }

  updates(): SentActivity[] {
    return this.sent.filter((activity) => activity.method === 'PUT');
  }

  /** Resolves once `predicate` holds for the recorded traffic; fails after `timeoutMs`. */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; connector saw ${JSON.stringify(this.sent.map((a) => `${a.method} ${a.body.type}`))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
  }

  /** Serves a file and returns the Teams attachment that points at it. */
  file(name: string, content: Buffer): Record<string, unknown> {
    this.files.set(name, content);
    return {
      contentType: 'application/vnd.microsoft.teams.file.download.info',
      name,
      content: { downloadUrl: `${this.baseUrl}files/${encodeURIComponent(name)}`, uniqueId: name, fileType: name.split('.').pop() },
    };
  }

  /** A Teams file attachment whose download link redirects to `target`. */
  redirectingFile(name: string, target: string): Record<string, unknown> {
    return { ...this.file(name, Buffer.alloc(0)), content: { downloadUrl: `${this.baseUrl}redirect/${encodeURIComponent(target)}` } };
  }

  clear(): void {
    this.sent.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
