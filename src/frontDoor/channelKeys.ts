/**
 * The channel's signing keys (OpenID metadata → JWKS) for botbuilder's token validation, fetched
 * the way a front door needs: with a timeout, one fetch at a time, never more often than a floor
 * interval however many tokens name unknown keys, and the last good keys kept through an outage.
 * botbuilder 4.23's own fetcher has no timeout and refetches on every request while the metadata
 * is unreachable; it keeps one fetcher per metadata URL in a static cache, where this one is put.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import * as jwtTokenExtractor from 'botframework-connector/lib/auth/jwtTokenExtractor';
import type { Logger } from 'pino';
import { errorForLog } from '../errors';

export interface SigningKey {
  /** PEM, as botbuilder's validator (jsonwebtoken) takes it. */
  key: string;
  /** Channels the key may speak for; botbuilder checks the activity's channel against them. */
  endorsements?: string[];
}

export class ChannelKeysUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChannelKeysUnavailable';
  }
}

export interface ChannelKeyTimings {
  fetchTimeoutMs: number;
  /** Keys older than this are refreshed (botbuilder: 24 h). */
  refreshAfterMs: number;
  /** At most one refresh in this interval, whether for unknown key ids or after a failure. */
  minRefreshIntervalMs: number;
}

const DEFAULT_TIMINGS: ChannelKeyTimings = { fetchTimeoutMs: 3000, refreshAfterMs: 24 * 60 * 60 * 1000, minRefreshIntervalMs: 60 * 1000 };

export class ChannelSigningKeys {
  private keys?: Map<string, SigningKey>;
  private loadedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastFailure?: Error;
  private loading?: Promise<void>;

  constructor(
    private readonly metadataUrl: string,
    private readonly logger: Logger,
    private readonly timings: ChannelKeyTimings = DEFAULT_TIMINGS,
    private readonly now: () => number = Date.now,
  ) {}

  /** botbuilder's OpenIdMetadata contract: the key for a key id, or null when there is none. */
  async getKey(keyId: unknown): Promise<SigningKey | null> {
    const stale = this.now() - this.loadedAt > this.timings.refreshAfterMs;
    if (!this.keys || stale || (typeof keyId === 'string' && !this.keys.has(keyId))) await this.refreshIfAllowed();
    if (!this.keys) throw new ChannelKeysUnavailable(`Bot Framework OpenID metadata ${this.metadataUrl} is unreachable and no keys are cached`, { cause: this.lastFailure });
    return typeof keyId === 'string' ? (this.keys.get(keyId) ?? null) : null;
  }

  private async refreshIfAllowed(): Promise<void> {
    if (this.loading) return this.loading;
    if (this.now() - this.lastAttemptAt < this.timings.minRefreshIntervalMs) return;
    this.lastAttemptAt = this.now();
    this.loading = this.load()
      .catch((error: Error) => {
        this.lastFailure = error;
        this.logger.error({ event: 'channelKeys', outcome: 'unreachable', metadataUrl: this.metadataUrl, cachedKeys: this.keys?.size ?? 0, error: errorForLog(error) }, this.keys ? 'Bot Framework OpenID metadata unreachable: keeping the cached keys' : 'Bot Framework OpenID metadata unreachable: refusing authenticated requests until it answers');
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async load(): Promise<void> {
    const metadata = (await this.fetchJson(this.metadataUrl)) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the OpenID metadata has no jwks_uri');
    const jwks = (await this.fetchJson(metadata.jwks_uri)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no keys');
    const keys = new Map<string, SigningKey>();
    for (const jwk of jwks.keys as Array<JsonWebKey & { kid?: unknown; endorsements?: unknown }>) {
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA' || !jwk.n || !jwk.e) continue;
      const pem = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
      const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.filter((value): value is string => typeof value === 'string') : undefined;
      keys.set(jwk.kid, { key: pem, ...(endorsements ? { endorsements } : {}) });
    }
    this.keys = keys;
    this.loadedAt = this.now();
    this.logger.info({ event: 'channelKeys', outcome: 'loaded', metadataUrl: this.metadataUrl, keys: keys.size }, 'Bot Framework signing keys loaded');
  }

  private async fetchJson(url: string): Promise<unknown> {
    const response = await fetch(url, { signal: AbortSignal.timeout(this.timings.fetchTimeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }
}

/** Makes botbuilder's validator use these keys for tokens checked against `metadataUrl`. */
export function useChannelKeysFor(metadataUrl: string, keys: ChannelSigningKeys): void {
  const extractor = jwtTokenExtractor.JwtTokenExtractor as unknown as { openIdMetadataCache: Map<string, unknown> };
  extractor.openIdMetadataCache.set(metadataUrl, keys);
}
