/** Small translations between Teams activities and the bot's own terms. */
import { CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/types';
import type { AskingUser } from '../qbusiness/qbusinessClients';

/** The Entra object id when Teams provides it (stable across chats), else the channel user id. */
export function askingUser(context: TurnContext): AskingUser {
  const from = context.activity.from;
  return { key: from.aadObjectId ?? from.id, ...(from.name ? { name: from.name } : {}) };
}

/** Teams' "AI generated" label, shown on every answer from Q. */
const AI_GENERATED_ENTITY = {
  type: 'https://schema.org/Message',
  '@type': 'Message',
  '@context': 'https://schema.org',
  '@id': '',
  additionalType: ['AIGeneratedContent'],
};

export function cardMessage(card: AdaptiveCardJson, options: { aiGenerated?: boolean } = {}): Partial<Activity> {
  return {
    type: 'message',
    attachments: [CardFactory.adaptiveCard(card)],
    ...(options.aiGenerated ? { entities: [AI_GENERATED_ENTITY] } : {}),
  };
}
