/**
 * Q Business plugin turns in Teams. `actionReview`: Q prepared a plugin action (create a Jira
 * issue, …); the person reviews it in a form and submits (→ ChatSync with `actionExecution`) or
 * cancels (nothing runs). `authChallengeRequest`: the plugin needs the person's own consent; they
 * sign in there and continue (→ ChatSync with `authChallengeResponse`). Only the asker can act.
 */
import type { Logger } from 'pino';
import { FIELD_INPUT_PREFIX, pluginAuthCard, pluginDoneCard, pluginFormCard, pluginLabel } from '../../cards/pluginCards';
import type { AdaptiveCardJson } from '../../cards/types';
import type { PluginField } from '../../domain/plugin';
import { cardMessage } from '../../cards/messages';
import type { AskingUser } from '../../domain/askingUser';
import type { ConversationPointer, PluginOutcome, QInput } from '../../domain/qTurn';
import type { OutgoingActivity, TeamsTurn } from '../../domain/turn';
import type { PluginActionStore, PendingPluginAction } from './pluginActionStore';
import type { PrivateTo } from '../answering/answerQuestion';
import { privatePlaceholderCard } from '../../cards/privateAnswerCards';
import { VERBS } from '../../cards/verbs';

export interface PluginDependencies {
  store: PluginActionStore;
  logger: Logger;
  /** Sends Q this input in the given conversation and posts the result (the answer loop). */
  continueWith(turn: TeamsTurn, input: Exclude<QInput, { question: string }>, conversation: ConversationPointer): Promise<void>;
}

const ALREADY_HANDLED = 'This action has already been handled.';

/** The answer loop's side: Q asked for a review or a plugin sign-in; show the card and keep the action. */
export class PluginPrompts {
  constructor(private readonly store: PluginActionStore) {}

  /** Shows the review form or the plugin sign-in card; `send` is the answer loop's way of replying. */
  async present(user: AskingUser, outcome: PluginOutcome, send: (activity: OutgoingActivity) => Promise<void>, privateTo?: PrivateTo): Promise<void> {
    const conversation = { conversationId: outcome.conversationId, parentMessageId: outcome.systemMessageId };
    const pending: PendingPluginAction =
      outcome.kind === 'actionReview'
        ? { askerKey: user.key, conversation, review: outcome.review, pluginType: outcome.review.pluginType }
        : { askerKey: user.key, conversation, pluginType: 'plugin', authorizationUrl: outcome.authorizationUrl };
    const actionKey = await this.store.remember({ ...pending, ...(privateTo ? { privateTo } : {}) });
    // In a shared space the form (Q's values) is the asker's own view; the thread gets a placeholder.
    await send(cardMessage(privateTo ? pluginPlaceholder(actionKey, privateTo) : askerCard(actionKey, pending)));
  }
}

/** The person's side: submit, cancel, or continue after the plugin sign-in (only the asker can). */
export class PluginActions {
  constructor(private readonly deps: PluginDependencies) {}

  async onExecute(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(turn, data.actionKey);
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
    this.deps.logger.info({ activityId: turn.activity.id, event: 'pluginAction', outcome: 'submitted', pluginId: pending.review.pluginId }, 'plugin action submitted');
    await this.deps.continueWith(turn, { actionExecution: { pluginId: pending.review.pluginId, payload: values, separator: pending.review.separator } }, pending.conversation);
    return pluginDoneCard(pending.pluginType, 'submitted');
  }

  async onCancel(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(turn, data.actionKey);
    if (typeof found === 'string') return found;
    if (!(await this.deps.store.claim(found.actionKey, found.pending.askerKey))) return ALREADY_HANDLED;
    this.deps.logger.info({ activityId: turn.activity.id, event: 'pluginAction', outcome: 'cancelled' }, 'plugin action cancelled');
    return pluginDoneCard(found.pending.pluginType, 'cancelled');
  }

  async onResume(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const found = await this.pendingFor(turn, data.actionKey);
    if (typeof found === 'string') return found;
    if (!(await this.deps.store.claim(found.actionKey, found.pending.askerKey))) return ALREADY_HANDLED;
    await this.deps.continueWith(turn, { authChallengeResponse: {} }, found.pending.conversation);
    return pluginDoneCard(found.pending.pluginType, 'submitted');
  }

  /** The placeholder's refresh and "Show me the action": the form for the asker, the placeholder for anyone else. */
  async onShow(turn: TeamsTurn, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
    const actionKey = typeof data.actionKey === 'string' ? data.actionKey : undefined;
    const pending = actionKey ? await this.deps.store.get(actionKey) : undefined;
    if (!actionKey || !pending) return 'This action is no longer waiting: ask again to start over.';
    if (pending.askerKey === turn.asker.key) return askerCard(actionKey, pending);
    if (pending.privateTo) return pluginPlaceholder(actionKey, pending.privateTo, `Only ${pending.privateTo.askedBy} can see or act on this action.`);
    return 'Only the person who asked can review this action.';
  }

  private async pendingFor(turn: TeamsTurn, actionKey: unknown) {
    const pending = typeof actionKey === 'string' ? await this.deps.store.get(actionKey) : undefined;
    if (!pending) return 'This action is no longer waiting: ask again to start over.';
    if (pending.askerKey !== turn.asker.key) return 'Only the person who asked can review this action.';
    return { actionKey: actionKey as string, pending };
  }
}

function askerCard(actionKey: string, pending: PendingPluginAction): AdaptiveCardJson {
  return pending.review ? pluginFormCard(actionKey, pending.review) : pluginAuthCard(actionKey, pluginLabel('CUSTOM'), pending.authorizationUrl ?? '');
}

function pluginPlaceholder(actionKey: string, privateTo: PrivateTo, notice?: string): AdaptiveCardJson {
  return privatePlaceholderCard({ key: { actionKey }, showVerb: VERBS.pluginShow, kind: 'pluginAction', ...privateTo, ...(notice ? { notice } : {}) });
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
