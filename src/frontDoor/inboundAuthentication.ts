/**
 * Who may talk to the bot. With a bot identity, every request must carry a channel token that
 * botbuilder's own validator accepts (signature against the channel's published keys, issuer,
 * audience = this bot, lifetime, `serviceurl` = the activity's serviceUrl, the key's endorsement
 * for the activity's channel). A cheap screen runs first so that tokens botbuilder would send to
 * other validators (emulator, skills: keys this bot can't reach) or that no validator should ever
 * see (unsigned, symmetric, self-keyed) are refused at once, without fetching anything.
 * Every refusal is a status and a reason for the log; never the token.
 */
import { Buffer } from 'node:buffer';
import type { Activity } from 'botbuilder';
import { AuthenticationError, SkillValidation, ToBotFromBotOrEmulatorTokenValidationParameters, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import { ChannelKeysUnavailable } from './channelKeys';

export type AuthenticationOutcome = { accepted: AuthenticateRequestResult } | { refused: { status: 401 | 503; reason: string; cause?: unknown } };

/** What botbuilder's validator accepts (AuthenticationConstants.AllowedSigningAlgorithms). */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** Header parameters by which a token would bring its own key. */
const SELF_KEYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
/** botbuilder's own clock tolerance for channel tokens. */
const CLOCK_TOLERANCE_SECONDS = 5 * 60;
const MAX_TOKEN_LENGTH = 16 * 1024;

export class InboundAuthentication {
  constructor(
    private readonly botFramework: BotFrameworkAuthentication,
    /** Absent: authentication is off (no BOT_ID; development only). */
    private readonly channelTokenIssuer: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get enabled(): boolean {
    return this.channelTokenIssuer !== undefined;
  }

  /** The header alone: refusals that need no body (and so reveal nothing about activities). */
  screen(authorization: string | undefined): string | undefined {
    if (!this.channelTokenIssuer) return undefined;
    return screenToken(authorization, this.channelTokenIssuer, this.now());
  }

  async authenticate(authorization: string | undefined, activity: Activity): Promise<AuthenticationOutcome> {
    const screened = this.screen(authorization);
    if (screened) return { refused: { status: 401, reason: screened } };
    if (this.enabled && (typeof activity.channelId !== 'string' || !activity.channelId.trim())) {
      // botbuilder skips the endorsement check when there is no channel to check it for.
      return { refused: { status: 401, reason: 'the activity names no channel to check the token\'s endorsements against' } };
    }
    if (this.enabled && activity.channelId === 'directlinease') return { refused: { status: 401, reason: 'App Service Extension channel tokens are not accepted' } };
    try {
      return { accepted: await this.botFramework.authenticateRequest(activity, authorization ?? '') };
    } catch (error) {
      return { refused: refusalFor(error) };
    }
  }
}

function refusalFor(error: unknown): { status: 401 | 503; reason: string; cause?: unknown } {
  if (error instanceof ChannelKeysUnavailable) return { status: 503, reason: error.message, cause: error.cause };
  if (error instanceof AuthenticationError) {
    // botbuilder marks failures to load keys with 500: an outage, not a verdict on the token.
    if (error.statusCode === 500) return { status: 503, reason: `the channel's signing keys could not be loaded: ${error.message}` };
    return { status: 401, reason: error.message };
  }
  // botbuilder rethrows the JWT library's verdicts (bad signature, audience, not yet valid…) as they are.
  if (error instanceof Error && /^(JsonWebTokenError|TokenExpiredError|NotBeforeError)$/.test(error.name)) return { status: 401, reason: `token refused: ${error.message}` };
  return { status: 401, reason: 'token validation failed unexpectedly', cause: error };
}

function screenToken(authorization: string | undefined, channelTokenIssuer: string, now: Date): string | undefined {
  if (!authorization?.trim()) return 'no Authorization header';
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(authorization.trim());
  if (!match || authorization.length > MAX_TOKEN_LENGTH) return 'the Authorization header is not a Bearer JWT';
  const header = decodePart(match[1] as string);
  const payload = decodePart(match[2] as string);
  if (!header || !payload) return 'the token is not valid JSON';
  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) return `the token's algorithm ${clip(header.alg)} is not accepted`;
  if (!match[3]) return 'the token has no signature';
  const selfKeyed = SELF_KEYING_HEADERS.filter((name) => name in header);
  if (selfKeyed.length > 0) return `the token brings its own key (${selfKeyed.join(', ')}); only the channel's published keys are trusted`;
  if (typeof header.kid !== 'string') return 'the token names no signing key (kid)';
  if (payload.iss !== channelTokenIssuer) return `the token's issuer ${clip(payload.iss)} is not the channel's`;
  const seconds = now.getTime() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp + CLOCK_TOLERANCE_SECONDS < seconds) return 'the token has expired (or has no expiry)';
  if (typeof payload.nbf === 'number' && payload.nbf - CLOCK_TOLERANCE_SECONDS > seconds) return 'the token is not valid yet';
  // botbuilder's emulator check adds issuers for every new `tid` it sees to a process-wide list:
  // forged tokens with fresh tenants would grow it without bound.
  if (payload.tid !== undefined && payload.tid !== '' && !knownIssuerTenant(payload.tid)) return 'the token names a tenant (tid) the channel does not issue tokens for';
  // Emulator tokens are excluded by the issuer check; skill tokens carry the channel issuer's shape otherwise.
  if (SkillValidation.isSkillToken(authorization.trim())) return 'skill tokens are not accepted';
  return undefined;
}

function knownIssuerTenant(tid: unknown): boolean {
  const issuers = ToBotFromBotOrEmulatorTokenValidationParameters.issuer;
  return typeof tid === 'string' && (Array.isArray(issuers) ? issuers : [issuers]).some((issuer) => typeof issuer === 'string' && issuer.includes(tid));
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function clip(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'none';
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
