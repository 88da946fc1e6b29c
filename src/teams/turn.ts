/**
 * Our `TeamsTurn` on botbuilder's TurnContext: the one place a turn's SDK object is turned into
 * the bot's own terms. One TeamsTurn per TurnContext, so every feature in a turn shares it.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConversationAddress, InboundActivity, OutgoingActivity, TeamsTurn } from '../domain/turn';

const turns = new WeakMap<TurnContext, TeamsTurn>();
const contexts = new WeakMap<TeamsTurn, TurnContext>();

/** The SDK context behind one of our turns, for src/teams/ modules only (roster look-ups). */
export function contextOf(turn: TeamsTurn): TurnContext | undefined {
  return contexts.get(turn);
}

export function teamsTurn(context: TurnContext): TeamsTurn {
  let turn = turns.get(context);
  if (!turn) {
    turn = new ContextTurn(context);
    turns.set(context, turn);
    contexts.set(turn, context);
  }
  return turn;
}

class ContextTurn implements TeamsTurn {
  constructor(private readonly context: TurnContext) {}

  get activity(): InboundActivity {
    // The front door has checked these fields' presence and types (src/frontDoor/inboundActivity).
    return this.context.activity as unknown as InboundActivity;
  }

  get asker() {
    const from = this.context.activity.from;
    return { key: from.aadObjectId ?? from.id, ...(from.name ? { name: from.name } : {}) };
  }

  async send(activity: OutgoingActivity | string): Promise<string | undefined> {
    const response = await this.context.sendActivity(typeof activity === 'string' ? activity : (activity as Partial<Activity>));
    return response?.id;
  }

  async update(activity: OutgoingActivity & { id: string }): Promise<void> {
    await this.context.updateActivity(activity as Partial<Activity>);
  }

  address(): ConversationAddress {
    return TurnContext.getConversationReference(this.context.activity) as unknown as ConversationAddress;
  }
}

export function conversationReference(address: ConversationAddress): ConversationReference {
  return address as unknown as ConversationReference;
}
