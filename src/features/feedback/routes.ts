/**
 * The feedback feature put together and routed: 👍/👎 on answer cards (Action.Execute updates the
 * card in place; the Action.Submit fallback edits the message), votes sent to Q once (./votes),
 * pending ones sent later by the outbox (./voteOutbox), and the card updated when they land.
 */
import { cardMessage } from '../../cards/messages';
import type { AdaptiveCardJson } from '../../cards/types';
import { FEEDBACK_VERBS, VERBS } from '../../cards/verbs';
import type { ProactiveTurns, TeamsTurn } from '../../domain/turn';
import type { Clock } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';
import type { Logger } from 'pino';
import { errorForLog } from '../../errors';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import type { FeatureRoutes } from '../routes';
import type { AnswerStore } from './answerStore';
import { askerViewOf, FeedbackHandler, viewForEveryone, type FeedbackActionData } from './feedbackHandler';
import { PendingVoteList, VoteOutbox } from './voteOutbox';
import { Votes } from './votes';

export interface FeedbackDependencies {
  storage: StateStorage;
  answers: AnswerStore;
  q: QBusinessService;
  proactive: ProactiveTurns;
  logger: Logger;
  now: Clock;
}

export interface Feedback {
  handler: FeedbackHandler;
  /** Sends pending votes in the background; `stop` lets a pass in progress finish. */
  outbox: VoteOutbox;
}

/** Built in dependency order: the pending list, votes that write to it, the outbox that reads it. */
export function createFeedback(deps: FeedbackDependencies): Feedback {
  const { answers, logger, now } = deps;
  const list = new PendingVoteList(deps.storage, now);
  const votes = new Votes({ q: deps.q, answers, logger, now, schedule: (answerKey, dueAt) => list.schedule(answerKey, dueAt) });
  const outbox = new VoteOutbox({
    list,
    votes,
    now,
    logger,
    // A vote that was pending has landed or finally failed: show it on the card where it is.
    onSettled: async (_answerKey, result) => {
      const message = result.message;
      if (!message) return;
      const card = result.record.card.askerTeamsId ? viewForEveryone(result.record) : askerViewOf(result);
      if (typeof card === 'string') return;
      await deps.proactive.continueIn(message.reference, async (proactive) => {
        await proactive.update({ ...cardMessage(card, { aiGenerated: true }), id: message.activityId });
      });
    },
  });
  return { handler: new FeedbackHandler({ answers, votes }), outbox };
}

const NO_PRIVATE_VIEW = 'This version of Teams can’t show a private answer in place. Open this conversation in the Teams desktop, web or mobile app to see answers meant for you.';

export function registerFeedback(routes: FeatureRoutes, feedback: FeedbackHandler, logger: Logger): void {
  routes.cardExecute<FeedbackActionData>(FEEDBACK_VERBS, async (turn, data) => {
    const verb = (turn.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? '';
    const { reply: result, everyone, voted } = await feedback.handle(turn, verb, data);
    // Only a recorded vote changes the message: a form or Cancel is shown to the clicker by the invoke response.
    if (everyone && voted) await replaceCardMessage(turn, everyone, logger);
    // Answered here, not by the library: for cards with `refresh` it would replace the message for
    // everyone with the clicker's view.
    await turn.send({
      type: 'invokeResponse',
      value: {
        status: 200,
        body:
          typeof result === 'string'
            ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result }
            : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result },
      },
    });
    return result;
  });
  routes.cardSubmit<FeedbackActionData & { verb?: string }>(FEEDBACK_VERBS, async (turn, data) => {
    // Without Universal Actions the message is the only place a form or a vote can show: it always changes.
    const { reply, everyone } = await feedback.handle(turn, data.verb ?? '', data);
    if (typeof reply === 'string') await turn.send(reply);
    // A client without Universal Actions can't show one person their own card, and a message here
    // would be everyone's: it gets a pointer to a client that can (the same words whoever clicked).
    else if (data.verb === VERBS.showAnswer) await turn.send(NO_PRIVATE_VIEW);
    if (everyone) await replaceCardMessage(turn, everyone, logger);
  });
}

/** Keeps the vote visible on every device and after reload: the stored message itself changes. */
async function replaceCardMessage(turn: TeamsTurn, card: AdaptiveCardJson, logger: Logger): Promise<void> {
  if (!turn.activity.replyToId) return;
  try {
    await turn.update({ ...cardMessage(card, { aiGenerated: true }), id: turn.activity.replyToId });
  } catch (error) {
    // A card a person inserted from the message extension is their own message, which the bot
    // may not edit; the clicker still gets their view from the invoke response.
    logger.warn({ activityId: turn.activity.id, event: 'cardUpdate', outcome: 'refused', error: errorForLog(error) }, 'the rated card could not be updated for everyone');
  }
}
