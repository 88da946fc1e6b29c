/**
 * Q Business plugin turns in Teams. `actionReview`: Q prepared a plugin action (create a Jira
 * issue, …); the person reviews it in a form and submits (→ ChatSync with `actionExecution`) or
 * cancels (nothing runs). `authChallengeRequest`: the plugin needs the person's own consent; they
 * sign in there and continue (→ ChatSync with `authChallengeResponse`). Only the asker can act.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { FIELD_INPUT_PREFIX, pluginAuthCard, pluginDoneCard, pluginFormCard, pluginLabel } from '../../cards/pluginCards';
import type { AdaptiveCardJson } from '../../cards/types';
import type { PluginField } from '../../domain/plugin';
import type { AskOutcome, ConversationPointer, QInput } from '../../qbusiness/qbusinessService';
import type { AskingUser } from '../../qbusiness/qbusinessClients';
import { askingUser, cardMessage } from '../../teams/activities';
import type { PluginActionStore } from '../feedback/answerStore';

export interface PluginDependencies {
  store: PluginActionStore;
  logger: Logger;
  /** Sends Q this input in the given conversation and posts the result (src/bot/answerQuestion). */
  continueWith(context: TurnContext, input: Exclude<QInput, { question: string }>, conversation: ConversationPointer): Promise<void>;
}

const ALREADY_HANDLED = 'This action has already been handled.';

type PluginOutcome = Extract<AskOutcome, { kind: 'actionReview' | 'authChallenge' }>;

export class PluginActions {
  constructor(private readonly deps: PluginDependencies) {}

  /** Shows the review form or the plugin sign-in card; `send` is the answer loop's way of replying. */
  async present(context: TurnContext, user: AskingUser, outcome: PluginOutcome, send: (activity: Partial<Activity>) => Promise<void> = async (activity) => void (await context.sendActivity(activity))): Promise<void> {
    const conversation = { conversationId: outcome.conversationId, parentMessageId: outcome.systemMessageId };
    if (outcome.kind === 'actionReview') {
      const actionKey = await this.deps.store.remember({ askerKey: user.key, conversation, review: outcome.review, pluginType: outcome.review.pluginType });
      await send(cardMessage(pluginFormCard(actionKey, outcome.review)));
      return;
    }
    const actionKey = await this.deps.store.remember({ askerKey: user.key, conversation, pluginType: 'plugin' });
    await send(cardMessage(pluginAuthCard(actionKey, pluginLabel('CUSTOM'), outcome.authorizationUrl)));
  }

  async onExecute(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(context, data.actionKey);
    if (typeof found === 'string') return found;
    const { actionKey, pending } = found;
    if (!pending.review) return 'This action has nothing to submit.';
    const values: Record<string, unknown> = {};
    for (const field of pending.review.fields) {
      const raw = data[`${FIELD_INPUT_PREFIX}${field.name}`];
      const value = typed(field, raw);
      if (field.required && (value === undefined || value === '')) return pluginFormCard(actionKey, pending.review, `${field.displayName} is required.`);
      if (value !== undefined) values[field.name] = value;
    }
    // A double Submit (or one delivered to two instances) executes once.
    if (!(await this.deps.store.claim(actionKey, pending.askerKey))) return ALREADY_HANDLED;
    this.deps.logger.info({ activityId: context.activity.id, event: 'pluginAction', outcome: 'submitted', pluginId: pending.review.pluginId }, 'plugin action submitted');
    await this.deps.continueWith(context, { actionExecution: { pluginId: pending.review.pluginId, payload: values, separator: pending.review.separator } }, pending.conversation);
    return pluginDoneCard(pending.pluginType, 'submitted');
  }

  async onCancel(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(context, data.actionKey);
    if (typeof found === 'string') return found;
    if (!(await this.deps.store.claim(found.actionKey, found.pending.askerKey))) return ALREADY_HANDLED;
    this.deps.logger.info({ activityId: context.activity.id, event: 'pluginAction', outcome: 'cancelled' }, 'plugin action cancelled');
    return pluginDoneCard(found.pending.pluginType, 'cancelled');
  }

  async onResume(context: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(context, data.actionKey);
    if (typeof found === 'string') return found;
    if (!(await this.deps.store.claim(found.actionKey, found.pending.askerKey))) return ALREADY_HANDLED;
    await this.deps.continueWith(context, { authChallengeResponse: {} }, found.pending.conversation);
    return pluginDoneCard(found.pending.pluginType, 'submitted');
  }

  private async pendingFor(context: TurnContext, actionKey: unknown) {
    const pending = typeof actionKey === 'string' ? await this.deps.store.get(actionKey) : undefined;
    if (!pending) return 'This action is no longer waiting: ask again to start over.';
    if (pending.askerKey !== askingUser(context).key) return 'Only the person who asked can review this action.';
    return { actionKey: actionKey as string, pending };
  }
}

function typed(field: PluginField, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  switch (field.type) {
    case 'NUMBER':
      return text === '' ? undefined : Number(text);
    case 'BOOLEAN':
      return text === 'true';
    case 'ARRAY':
      return text.split(',').map((item) => item.trim()).filter(Boolean);
    default:
      return text;
  }
}
