/** The `/_local/` API: inspect recorded calls, queue faults, move the clock, mint test tokens. */
import { DIRECTORY } from './directory';
import { json, type Exchange } from './http';
import type { LocalEntraIssuer, MintOptions } from './identity/entra';
import type { IdentityState, LocalClock } from './identity/state';
import type { Fault, LocalQState } from './qbusiness/state';

export interface ControlContext {
  state: LocalQState;
  identity: IdentityState;
  entra: LocalEntraIssuer;
  clock: LocalClock;
  applicationId: string;
  documentCount: number;
}

export async function handleControl(exchange: Exchange, context: ControlContext): Promise<void> {
  const { state } = context;
  const route = `${exchange.method} ${exchange.url.pathname}`;
  const body = (): Record<string, unknown> => JSON.parse(exchange.body || '{}') as Record<string, unknown>;
  switch (route) {
    case 'GET /_local/health':
      return json(exchange, 200, { status: 'ok', applicationId: context.applicationId, documents: context.documentCount });
    case 'GET /_local/calls': {
      const operation = exchange.url.searchParams.get('operation');
      return json(exchange, 200, { calls: state.calls.filter((call) => !operation || call.operation === operation) });
    }
    case 'GET /_local/feedback':
      return json(exchange, 200, { feedback: state.calls.filter((call) => call.operation === 'PutFeedback') });
    case 'GET /_local/conversations':
      return json(exchange, 200, { conversations: [...state.conversations.values()] });
    case 'GET /_local/directory':
      return json(exchange, 200, { users: DIRECTORY });
    case 'POST /_local/faults': {
      const fault = body() as Partial<Fault>;
      state.addFault({ operation: fault.operation ?? '*', count: fault.count ?? 1, ...fault } as Fault);
      return json(exchange, 201, { queued: true });
    }
    case 'GET /_local/pacing':
      return json(exchange, 200, state.pacing);
    case 'POST /_local/pacing': {
      const { firstTokenMs, tokensPerSecond, tokensPerEvent } = body();
      state.pacing = {
        firstTokenMs: Math.max(0, Number(firstTokenMs ?? state.pacing.firstTokenMs)),
        tokensPerSecond: Math.max(0, Number(tokensPerSecond ?? state.pacing.tokensPerSecond)),
        tokensPerEvent: Math.max(1, Number(tokensPerEvent ?? state.pacing.tokensPerEvent ?? 1)),
      };
      return json(exchange, 200, state.pacing);
    }
    case 'POST /_local/expire-conversations':
      state.conversations.clear();
      return json(exchange, 200, { expired: true });
    case 'POST /_local/clock':
      context.clock.offsetMs = Number(body().offsetSeconds ?? 0) * 1000;
      return json(exchange, 200, { now: context.clock.now().toISOString() });
    case 'POST /_local/identity/revoke-sessions':
      context.identity.revokeSessions();
      return json(exchange, 200, { revoked: true });
    case 'POST /_local/identity/revoke-refresh-tokens':
      context.identity.revokeRefreshTokens();
      return json(exchange, 200, { revoked: true });
    case 'POST /_local/entra/token':
      // Development only: what Teams SSO would hand the bot for this person.
      try {
        return json(exchange, 200, { token: await context.entra.mint(body() as unknown as MintOptions) });
      } catch (error) {
        return json(exchange, 400, { message: (error as Error).message });
      }
    case 'POST /_local/reset':
      state.reset();
      context.identity.reset();
      context.clock.offsetMs = 0;
      return json(exchange, 200, { reset: true });
    default:
      return json(exchange, 404, { message: `No local control route ${route}` });
  }
}
