/**
 * Our `TeamsTurn` on botbuilder's TurnContext: the one place a turn's SDK object is turned into
 * the bot's own terms, including where the turn happens (Teams 1:1, Microsoft 365 Copilot Chat,
 * shared space). One TeamsTurn per TurnContext, so every feature in a turn shares it.
 */
import { TeamsInfo, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConversationAddress, ConversationSurface, InboundActivity, OutgoingActivity, TeamsMeeting, TeamsTurn } from '../domain/turn';

const TEAMS_CHANNEL = 'msteams';
const COPILOT = 'copilot';

/**
 * Copilot Chat delivers a custom engine agent's turns on the Teams channel and marks them; any one
 * mark is enough, case ignored (`COPILOT` and `Copilot` are both seen):
 * - `channelData.productContext: "COPILOT"` (Teams channel data);
 * - an entity `{ type: "ProductInfo", id: "COPILOT" }`, which the Microsoft 365 Agents SDK reads as
 *   the sub-channel of the compound id `msteams:COPILOT` while the wire keeps `channelId: "msteams"`;
 * - that compound id written into `channelId` itself, should a sender do so.
 * Copilot Chat is the person alone with the bot, so it counts as one-to-one whatever
 * `conversationType` says (or when it says nothing).
 */
export function conversationSurface(activity: InboundActivity): ConversationSurface {
  if (fromCopilot(activity)) return 'copilot';
  return activity.conversation.conversationType === 'personal' ? 'personal' : 'shared';
}

function fromCopilot(activity: InboundActivity): boolean {
  const [channel, subChannel] = activity.channelId.toLowerCase().split(':', 2);
  if (channel !== TEAMS_CHANNEL) return false;
  if (subChannel === COPILOT) return true;
  const channelData = activity.channelData as { productContext?: unknown } | undefined;
  if (isCopilotMark(channelData?.productContext)) return true;
  return (activity.entities ?? []).some((entity) => entity.type === 'ProductInfo' && isCopilotMark(entity.id));
}

function isCopilotMark(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === COPILOT;
}

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

  get surface(): ConversationSurface {
    return conversationSurface(this.activity);
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
    const reference = TurnContext.getConversationReference(this.context.activity);
    // A proactive turn is rebuilt from this address alone, without Copilot's marks: a Copilot chat
    // (possibly sent without a conversation type) must come back as the 1:1 chat it is.
    if (this.surface === 'copilot' && reference.conversation) reference.conversation = { ...reference.conversation, conversationType: 'personal' };
    return reference as unknown as ConversationAddress;
  }

  /** Teams' meeting API (GET {serviceUrl}/v1/meetings/{channelData.meeting.id}); errors keep their `statusCode`. */
  async meeting(knownMeetingId?: string): Promise<TeamsMeeting | undefined> {
    const meetingId = knownMeetingId ?? meetingIdOf(this.activity);
    if (!meetingId) return undefined;
    return meetingFromInfo(meetingId, await TeamsInfo.getMeetingInfo(this.context, meetingId));
  }
}

/** The Teams meeting id of a meeting chat's activity (`channelData.meeting.id`). */
export function meetingIdOf(activity: InboundActivity): string | undefined {
  const meetingId = (activity.channelData as { meeting?: { id?: unknown } } | undefined)?.meeting?.id;
  return typeof meetingId === 'string' && meetingId ? meetingId : undefined;
}

/** Teams' meeting info (its meeting API's JSON) in the bot's terms. */
export function meetingFromInfo(meetingId: string, info: { details?: unknown; organizer?: { aadObjectId?: string }; conversation?: { conversationType?: string } }): TeamsMeeting {
  const details = (info.details ?? {}) as { msGraphResourceId?: string; type?: string; scheduledEndTime?: unknown };
  const end = details.scheduledEndTime;
  return {
    id: meetingId,
    ...(details.msGraphResourceId ? { graphMeetingId: details.msGraphResourceId } : {}),
    ...(info.organizer?.aadObjectId ? { organizerAadObjectId: info.organizer.aadObjectId } : {}),
    ...(details.type ? { type: details.type } : {}),
    ...(end ? { scheduledEndTime: end instanceof Date ? end.toISOString() : String(end) } : {}),
    ...(info.conversation?.conversationType ? { conversationType: info.conversation.conversationType } : {}),
  };
}

export function conversationReference(address: ConversationAddress): ConversationReference {
  return address as unknown as ConversationReference;
}
