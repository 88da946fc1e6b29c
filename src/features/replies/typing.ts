/**
 * Shows "typing…" while Q works. The first indicator goes out only if the answer is not ready
 * after a short moment (a fast answer needs none, and each indicator is a connector call), then
 * repeats every few seconds because Teams hides it after a while. Per turn, unlike the Teams AI
 * library's app-wide timer, so concurrent users each see their own indicator.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';

const FIRST_AFTER_MS = 300;
const REPEAT_MS = 3000;

export async function whileTyping<T>(context: TurnContext, work: () => Promise<T>): Promise<T> {
  let lastSend: Promise<unknown> = Promise.resolve();
  let repeat: NodeJS.Timeout | undefined;
  const send = (): void => {
    lastSend = context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
  };
  const first = setTimeout(() => {
    send();
    repeat = setInterval(send, REPEAT_MS);
  }, FIRST_AFTER_MS);
  try {
    return await work();
  } finally {
    clearTimeout(first);
    clearInterval(repeat);
    // A typing activity still in flight must not arrive after the answer.
    await lastSend;
  }
}
