/** A card reply: "typing…" while Q works (./typing), then one message. Used everywhere streams are not. */
import type { TeamsTurn } from '../../domain/turn';
import type { AnswerPresenter } from './presenter';
import { startTyping, type TypingIndicator } from './typing';

export function cardReply(turn: TeamsTurn): AnswerPresenter {
  let typing: TypingIndicator | undefined;
  const stopTyping = async (): Promise<void> => {
    const indicator = typing;
    typing = undefined;
    await indicator?.stop();
  };
  return {
    streams: false,
    informative: async () => {
      typing ??= startTyping(turn);
      return true;
    },
    text: () => undefined,
    final: async (activity) => {
      await stopTyping();
      await turn.send(activity);
    },
    shownText: () => undefined,
    finish: stopTyping,
  };
}
