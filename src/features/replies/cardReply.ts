/**
 * The last step of the answer loop: how a turn's reply reaches the person. A card reply (typing
 * indicator, then one message) everywhere; in 1:1 chats a stream (./streamingReply). Both get the
 * same activities to send; only the way Q is called and progress is shown differs.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import type { CallQ } from '../answering/askQ';
import { whileTyping } from './typing';

export interface AnswerPresenter {
  /** Runs the ask step with this presenter's way of calling Q and of showing progress. */
  asking<T>(ask: (callQ: CallQ) => Promise<T>): Promise<T>;
  /** Sends the turn's one reply (answer, failure, plugin form…): for a stream, its final message. */
  reply(activity: Partial<Activity>): Promise<void>;
  /** Answer text the person has already seen, to keep when Q fails midway (streams only). */
  shownText(): string | undefined;
  /** Leaves nothing open (no stream without its final message), whatever happened. */
  finish(): Promise<void>;
}

/** One message per turn, with "typing…" while Q works (ChatSync). */
export function cardReply(context: TurnContext, q: QBusinessService): AnswerPresenter {
  return {
    asking: (ask) => whileTyping(context, () => ask((request) => q.ask(request))),
    reply: async (activity) => {
      await context.sendActivity(activity);
    },
    shownText: () => undefined,
    finish: async () => undefined,
  };
}
