/**
 * Shows "typing…" while Q works: once immediately, then every few seconds (Teams hides the
 * indicator after a few seconds). Per turn, unlike the Teams AI library's app-wide timer, so
 * concurrent users each see their own indicator.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';

const REPEAT_MS = 3000;

export async function whileTyping<T>(context: TurnContext, work: () => Promise<T>): Promise<T> {
  let typing = true;
  let lastSend: Promise<unknown> = Promise.resolve();
  const send = (): void => {
    lastSend = context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
  };
  send();
  const timer = setInterval(() => {
    if (typing) send();
  }, REPEAT_MS);
  try {
    return await work();
  } finally {
    typing = false;
    clearInterval(timer);
    // A typing activity still in flight must not arrive after the answer.
    await lastSend;
  }
}
