/**
 * Ask an expert, in the bot's own terms: where a space's expert requests go (a Teams channel, by
 * team id and channel id), and what a request is as stored. The channel comes from the space's
 * knowledge scope (`experts` in the scopes file), else the deployment-wide EXPERTS_CHANNEL.
 */

export interface ExpertsChannel {
  /** The team's id as Teams puts it on activities (`channelData.team.id`, "19:…"). */
  teamId: string;
  /** The channel's id (`channelData.channel.id`, "19:…"). */
  channelId: string;
}

/** EXPERTS_CHANNEL: "<team id>,<channel id>"; a problem naming what is wrong, or the channel. */
export function parseExpertsChannel(raw: string): ExpertsChannel | { problem: string } {
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length !== 2) return { problem: 'must be "<team id>,<channel id>" (two ids separated by a comma)' };
  const [teamId, channelId] = parts as [string, string];
  if (!/^19:\S+$/.test(teamId)) return { problem: `"${teamId}" is not a Teams team id (channelData.team.id starts with "19:")` };
  if (!/^19:\S+$/.test(channelId) || channelId.includes(';messageid=')) return { problem: `"${channelId}" is not a Teams channel id (channelData.channel.id starts with "19:", without ";messageid=…")` };
  return { teamId, channelId };
}

/** One request, as stored: what the asker chose to share, where it went, and its answer once given. */
export interface ExpertRequest {
  askerKey: string;
  askerName: string;
  /** The asker's Teams user id: the only person a private delivery's refresh shows the answer to. */
  askerTeamsId: string;
  /** Where the question was asked: the answer goes back there. */
  askerAddress: Record<string, unknown>;
  /** A channel or group chat: the answer is delivered privately to the asker there. */
  sharedSpace: boolean;
  question: string;
  /** Q's answer and its source titles, only when the asker ticked them. */
  qAnswer?: { markdown: string; sources: string[] };
  experts: ExpertsChannel;
  openedAt: number;
  answer?: { expertName: string; expertKey: string; markdown: string; at: number };
  rating?: 'up' | 'down';
}

export type ExpertFailureKind = 'notConfigured' | 'notFound' | 'notMember' | 'alreadyAnswered' | 'notAsker' | 'empty';

/** Whether a person is in a team's roster (Teams' roster API; src/teams/roster.ts). */
export interface TeamRoster {
  /** `userId`: the Teams user id ("29:…") of the activity's sender. */
  isMember(turn: import('./turn').TeamsTurn, teamId: string, userId: string): Promise<boolean>;
}

/** Posts a new conversation (a top-level message) in a channel, with the bot's own identity. */
export interface ChannelPoster {
  postToChannel(from: import('./turn').TeamsTurn, channelId: string, activity: import('./turn').OutgoingActivity): Promise<{ conversationId: string; activityId?: string }>;
}
