/**
 * The bot's own view of one Teams turn, so features, the answer loop and cards never see an SDK
 * type: the inbound activity as plain data (the Bot Framework activity schema, which the Teams SDK
 * keeps), and what a handler can do in the turn: send, update, answer an invoke, say where the
 * conversation is for later. src/teams/ implements it on botbuilder and the Teams AI library.
 */
import type { AskingUser } from './askingUser';

export interface ChannelAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface InboundAttachment {
  contentType: string;
  contentUrl?: string;
  name?: string;
  content?: unknown;
}

export interface InboundEntity {
  type: string;
  text?: string;
  mentioned?: { id: string; name?: string };
  [property: string]: unknown;
}

/** The fields of an inbound activity the bot reads (the front door has checked their types). */
export interface InboundActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  value?: unknown;
  replyToId?: string;
  timestamp?: Date | string;
  channelId: string;
  serviceUrl: string;
  from: ChannelAccount;
  recipient: ChannelAccount;
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelData?: unknown;
  attachments?: InboundAttachment[];
  entities?: InboundEntity[];
  membersAdded?: ChannelAccount[];
  membersRemoved?: ChannelAccount[];
}

/** An activity the bot sends (a message, a typing indicator, a stream update, an invoke response). */
export interface OutgoingActivity {
  type: string;
  id?: string;
  text?: string;
  attachments?: Array<{ contentType: string; content: unknown }>;
  entities?: Array<Record<string, unknown>>;
  channelData?: unknown;
  value?: unknown;
}

/** Where a conversation is, kept to reach it again later (stored as plain JSON). */
export interface ConversationAddress {
  conversation?: { id: string };
  [field: string]: unknown;
}

/**
 * Where a turn happens, as the bot must treat it: a Teams 1:1 chat, Microsoft 365 Copilot Chat (the
 * bot as a custom engine agent: also only the person and the bot), or a space others share
 * (channel, group chat, meeting chat).
 */
export type ConversationSurface = 'personal' | 'copilot' | 'shared';

/** Only the asker sees the conversation (Teams 1:1 or Copilot Chat): answers stream, sign-in is SSO. */
export function isOneToOne(surface: ConversationSurface): boolean {
  return surface !== 'shared';
}

export interface TeamsTurn {
  readonly activity: InboundActivity;
  /** Decided once from the activity in src/teams/turn.ts (Copilot is recognised there only). */
  readonly surface: ConversationSurface;
  /** Who is asking: the Entra object id when Teams provides it (stable across chats), else the channel user id. */
  readonly asker: AskingUser;
  /** Sends an activity into this conversation; the id Teams gave it, if any. */
  send(activity: OutgoingActivity | string): Promise<string | undefined>;
  /** Replaces an activity the bot sent earlier in this conversation. */
  update(activity: OutgoingActivity & { id: string }): Promise<void>;
  /** This conversation's address, to continue it outside the turn. */
  address(): ConversationAddress;
  /**
   * The meeting this chat belongs to, as Teams describes it (its meeting API); undefined outside
   * meetings. `meetingId`: a meeting found earlier (a proactive turn carries no meeting of its own).
   */
  meeting(meetingId?: string): Promise<TeamsMeeting | undefined>;
}

/** A Teams meeting as the bot needs it to find its transcript in Microsoft Graph. */
export interface TeamsMeeting {
  /** Teams' meeting id (what the meeting API was asked for). */
  id: string;
  /** The onlineMeeting id in Microsoft Graph (Teams' `details.msGraphResourceId`). */
  graphMeetingId?: string;
  organizerAadObjectId?: string;
  /** Teams' meeting type: `Scheduled` for calendar meetings; others have no chat-scoped transcripts. */
  type?: string;
  scheduledEndTime?: string;
  /** `channel` for channel meetings (resource-specific consent for transcripts covers chat meetings only). */
  conversationType?: string;
}

/** Turns the bot starts itself (after sign-in, when a pending vote lands). */
export interface ProactiveTurns {
  continueIn(address: ConversationAddress, work: (turn: TeamsTurn) => Promise<void>): Promise<void>;
  /** Opens a 1:1 chat with the person of `turn` (who must have the app personally). */
  openPrivateChat(turn: TeamsTurn, work: (turn: TeamsTurn) => Promise<void>): Promise<void>;
}
