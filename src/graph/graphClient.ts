/**
 * The bot's one door to Microsoft Graph: app-only GET requests with a bearer token from a
 * TokenCredential (./appOnlyCredential), the base URL a setting (local double or the real Graph),
 * Graph's throttling honoured (429 + Retry-After, retried while the caller's deadline allows), and
 * every refusal turned into a `GraphFailure` with a `kind`. Response bodies are never logged here.
 */
import type { TokenCredential } from '@azure/identity';

export type GraphFailureKind = 'forbidden' | 'notFound' | 'throttled' | 'unavailable';

export class GraphFailure extends Error {
  constructor(
    readonly kind: GraphFailureKind,
    readonly status: number | undefined,
    /** Graph's error code (e.g. Forbidden, NotFound, TooManyRequests): safe to log, never content. */
    readonly code: string,
    /** For `throttled`: how long Graph asked to wait. */
    readonly retryAfterSeconds?: number,
    /** Graph's request-id header, for the operator. */
    readonly requestId?: string,
  ) {
    super(`Microsoft Graph ${status ?? 'request'} ${code}`);
    this.name = 'GraphFailure';
  }
}

export interface GraphClientOptions {
  baseUrl: string;
  credential: TokenCredential;
  /** Sleeping, replaceable so the retry rule can be exercised without real waits. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A request's time budget: Graph is retried only while a retry can still finish within it. */
export interface GraphCallOptions {
  deadline: number;
  accept?: string;
}

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const DEFAULT_RETRY_AFTER_SECONDS = 2;
const REQUEST_TIMEOUT_MS = 10_000;

export class GraphClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: GraphClientOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async getJson<T>(path: string, call: GraphCallOptions): Promise<T> {
    const response = await this.get(path, { ...call, accept: 'application/json' });
    return (await response.json()) as T;
  }

  async getText(path: string, call: GraphCallOptions): Promise<string> {
    return (await this.get(path, call)).text();
  }

  private async get(path: string, call: GraphCallOptions): Promise<Response> {
    for (;;) {
      const token = await this.token();
      let response: Response;
      try {
        response = await fetch(`${this.options.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${token}`, accept: call.accept ?? '*/*' },
          signal: AbortSignal.timeout(Math.max(1, Math.min(REQUEST_TIMEOUT_MS, call.deadline - this.now()))),
        });
      } catch {
        throw new GraphFailure('unavailable', undefined, 'NetworkError');
      }
      if (response.ok) return response;
      const failure = await failureOf(response);
      if (failure.kind !== 'throttled' && !(failure.kind === 'unavailable' && failure.retryAfterSeconds !== undefined)) throw failure;
      const waitMs = (failure.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000;
      // Retry only if the wait and another attempt still fit in the turn.
      if (this.now() + waitMs + 1000 > call.deadline) throw failure;
      await this.sleep(waitMs);
    }
  }

  private async token(): Promise<string> {
    try {
      const token = await this.options.credential.getToken(GRAPH_SCOPE);
      if (token?.token) return token.token;
    } catch {
      // The credential's message can name the tenant and app; the kind is what callers act on.
    }
    throw new GraphFailure('unavailable', undefined, 'NoGraphToken');
  }
}

async function failureOf(response: Response): Promise<GraphFailure> {
  const requestId = response.headers.get('request-id') ?? undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has('retry-after') ? retryAfter : undefined;
  let code = `Http${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code.slice(0, 80);
  } catch {
    // Not JSON: the status says enough.
  }
  const kind: GraphFailureKind = response.status === 403 || response.status === 401 ? 'forbidden' : response.status === 404 ? 'notFound' : response.status === 429 ? 'throttled' : 'unavailable';
  return new GraphFailure(kind, response.status, code, retryAfterSeconds, requestId);
}
