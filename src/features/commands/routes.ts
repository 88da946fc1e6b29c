/** Commands and greetings: the welcome card, /new (and its button), help. Sign-out lives with sign-in. */
import { cardMessage } from '../../cards/messages';
import { newConversationCard, welcomeCard } from '../../cards/messageCards';
import { VERBS } from '../../cards/verbs';
import type { TeamsTurn } from '../../domain/turn';
import type { ConversationTurns } from '../answering/conversationTurns';
import type { FeatureRoutes } from '../routes';
import type { SpacePolicies } from '../../domain/spacePolicy';
import { helpCardFor } from '../../cards/privateAnswerCards';

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
    await turn.send(cardMessage(helpCardFor(spaces(turn))));
  });
  // Action.Submit buttons arrive as message activities carrying `value.verb`.
  routes.cardSubmit(VERBS.newConversation, startNewConversation);
}

