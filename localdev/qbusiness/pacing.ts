/**
 * Answers take time in Q: retrieval before the first token, then generation at some tokens per
 * second. The local service splits an answer into ~4-character tokens (the usual rule of thumb
 * for English) and says when each one is due.
 */
import type { Pacing } from './state';

const CHARACTERS_PER_TOKEN = 4;

export function tokensOf(text: string): string[] {
  return text.match(new RegExp(`[\\s\\S]{1,${CHARACTERS_PER_TOKEN}}`, 'g')) ?? [];
}

/** Milliseconds after the request at which token `index` (0-based) is ready. */
export function tokenDueMs(pacing: Pacing, index: number): number {
  return pacing.firstTokenMs + (pacing.tokensPerSecond > 0 ? (index * 1000) / pacing.tokensPerSecond : 0);
}

/** When the whole answer is ready: what a ChatSync caller waits for. */
export function answerReadyMs(pacing: Pacing, text: string): number {
  return tokenDueMs(pacing, Math.max(0, tokensOf(text).length - 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// With maxAnswerMs, a long answer is sent in at most this many events.
const MAX_EVENTS_WITH_CAP = 200;

/** The pacing for one answer of `tokenCount` tokens: `maxAnswerMs` speeds long answers up. */
export function pacingFor(pacing: Pacing, tokenCount: number): Pacing {
  const cap = pacing.maxAnswerMs;
  if (!cap || pacing.tokensPerSecond <= 0 || tokenCount <= 1) return pacing;
  const tokensPerSecond = Math.max(pacing.tokensPerSecond, ((tokenCount - 1) * 1000) / cap);
  const tokensPerEvent = Math.max(pacing.tokensPerEvent ?? 1, Math.ceil(tokenCount / MAX_EVENTS_WITH_CAP));
  return { ...pacing, tokensPerSecond, tokensPerEvent };
}
