/**
 * Shows "typing…" while Q works. The first indicator goes out only if the answer is not ready
 * after a short moment (a fast answer needs none, and each indicator is a connector call), then
 * repeats every few seconds because Teams hides it after a while. Per turn, unlike the Teams AI
 * library's app-wide timer, so concurrent users each see their own indicator.
 */
import type { TeamsTurn } from '../../domain/turn';

const FIRST_AFTER_MS = 300;
const REPEAT_MS = 3000;

export interface TypingIndicator {
  /** Stops it; resolves once no indicator is in flight, so none arrives after the answer. */
  stop(): Promise<void>;
}

export function startTyping(turn: TeamsTurn): TypingIndicator {
  let lastSend: Promise<unknown> = Promise.resolve();
  let repeat: NodeJS.Timeout | undefined;
  const send = (): void => {
    lastSend = turn.send({ type: 'typing' }).catch(() => undefined);
  };
  const first = setTimeout(() => {
    send();
    repeat = setInterval(send, REPEAT_MS);
  }, FIRST_AFTER_MS);
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(repeat);
      await lastSend;
    },
  };
}
