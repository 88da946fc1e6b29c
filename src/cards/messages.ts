/** A card as the message that carries it, with Teams' "AI generated" label on answers from Q. */
import type { OutgoingActivity } from '../domain/turn';
import type { AdaptiveCardJson } from './types';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const AI_GENERATED_ENTITY = {
  type: 'https://schema.org/Message',
  '@type': 'Message',
  '@context': 'https://schema.org',
  '@id': '',
  additionalType: ['AIGeneratedContent'],
};

export function cardMessage(card: AdaptiveCardJson, options: { aiGenerated?: boolean } = {}): OutgoingActivity {
  return {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
    ...(options.aiGenerated ? { entities: [AI_GENERATED_ENTITY] } : {}),
  };
}
