/** Commands and greetings: the welcome card, /new (and its button), help. Sign-out lives with sign-in. */
import { cardMessage } from '../../cards/messages';
import { helpCard, newConversationCard, welcomeCard } from '../../cards/messageCards';
import { VERBS } from '../../cards/verbs';
import type { TeamsTurn } from '../../domain/turn';
import type { ConversationTurns } from '../answering/conversationTurns';
import type { FeatureRoutes } from '../routes';
import type { SpacePolicies } from '../sharedSpaces/spacePolicy';
import { spaceHelpSection } from '../../cards/privateAnswerCards';
import type { AdaptiveCardJson } from '../../cards/types';

const NEW_CONVERSATION_COMMANDS = ['/new', 'new', 'new conversation', '/reset'];
const HELP_COMMANDS = ['help', '/help', '?'];

export function registerCommands(routes: FeatureRoutes, turns: ConversationTurns, spaces: SpacePolicies): void {
  routes.membersAdded(async (turn) => {
    const botWasAdded = (turn.activity.membersAdded ?? []).some((member) => member.id === turn.activity.recipient.id);
    if (botWasAdded) await turn.send(cardMessage(welcomeCard()));
  });
  const startNewConversation = async (turn: TeamsTurn): Promise<void> => {
    await turns.startOver(turn.activity.conversation.id, turn.asker.key);
    await turn.send(cardMessage(newConversationCard()));
  };
  routes.command(NEW_CONVERSATION_COMMANDS, startNewConversation);
  routes.command(HELP_COMMANDS, async (turn) => {
    await turn.send(cardMessage(helpFor(turn, spaces)));
  });
  // Action.Submit buttons arrive as message activities carrying `value.verb`.
  routes.cardSubmit(VERBS.newConversation, startNewConversation);
}

/** In a channel or group chat, help also says what is searched there and whether answers are private. */
export function helpFor(turn: TeamsTurn, spaces: SpacePolicies): AdaptiveCardJson {
  const card = helpCard();
  const space = spaces(turn.activity);
  if (!space.shared) return card;
  return { ...card, body: [...card.body, ...spaceHelpSection({ privateAnswers: space.privateAnswers, ...(space.scope ? { scopeName: space.scope.name } : {}) })] };
}
