/**
 * The slice of the Adaptive Card 1.5 object model this app produces.
 * Kept deliberately loose (a JSON shape, not a class hierarchy): cards are data.
 */
export interface CardElement {
  type: string;
  [property: string]: unknown;
}

export interface CardAction {
  type: 'Action.Execute' | 'Action.Submit' | 'Action.OpenUrl' | 'Action.ToggleVisibility' | 'Action.ShowCard';
  title: string;
  [property: string]: unknown;
}

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  msteams?: { width?: 'Full' };
  [property: string]: unknown;
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

export function adaptiveCard(body: CardElement[], actions: CardAction[] = []): AdaptiveCardJson {
  const card: AdaptiveCardJson = { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: '1.5', body, msteams: { width: 'Full' } };
  if (actions.length > 0) card.actions = actions;
  return card;
}

export function textBlock(text: string, extra: Record<string, unknown> = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}
