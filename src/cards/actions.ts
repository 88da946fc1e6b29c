import type { CardAction } from './types';

/**
 * An `Action.Execute` (Universal Actions: the card updates in place) with an `Action.Submit`
 * fallback for clients without Universal Actions; the fallback carries the verb in its data,
 * where the Teams AI library's `actionSubmit` routing looks for it.
 */
export function feedbackAction(title: string, verb: string, data: Record<string, string>, extra: Record<string, unknown> = {}): CardAction {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...extra,
    fallback: { type: 'Action.Submit', title, data: { ...data, verb }, ...extra },
  };
}

/** A plain `Action.Submit`: arrives as a message activity, like a typed question. */
export function submitAction(title: string, verb: string, data: Record<string, string>): CardAction {
  return { type: 'Action.Submit', title, data: { ...data, verb } };
}
