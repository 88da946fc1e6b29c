/**
 * Thread context's routes. In channels and group chats the bot answers only when mentioned; other
 * messages reach it only under resource-specific consent and are kept as context, never answered.
 * Edits and deletions follow; removing the bot forgets the scope. Registered first.
 */
import { isOneToOne } from '../../domain/turn';
import type { FeatureRoutes } from '../routes';
import { isBotMentioned, type ThreadContextStore } from './threadContext';

export function registerThreadContext(routes: FeatureRoutes, threads: ThreadContextStore): void {
  routes.beforeTurn(async (turn) => {
    const activity = turn.activity;
    // Under RSC the bot may be handed its own messages: never answer (or keep) those.
    if (activity.from?.id && activity.from.id === activity.recipient?.id) return false;
    if (activity.type !== 'message' || isOneToOne(turn.surface) || activity.value) return true;
    if (isBotMentioned(activity)) return true;
    await threads.record(activity);
    return false;
  });
  routes.messageEdited((turn) => threads.edit(turn.activity));
  routes.messageDeleted((turn) => threads.remove(turn.activity));
  routes.membersRemoved(async (turn) => {
    if ((turn.activity.membersRemoved ?? []).some((member) => member.id === turn.activity.recipient.id)) await threads.forgetScope(turn.activity);
  });
}
