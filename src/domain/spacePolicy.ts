/**
 * What a conversation is for answering: a 1:1 chat (answers are the person's own), or a shared
 * space (channel thread, group or meeting chat) where an answer drawn from the asker's documents
 * stays private until they share it — unless the operator chose public answers, or the space's
 * knowledge scope says everyone there may see its documents. Also which scope the space searches.
 */
import type { ExpertsChannel } from './experts';
import { scopeFor, type KnowledgeScope } from './knowledgeScopes';
import { isOneToOne, type TeamsTurn } from './turn';

export interface SpacePolicy {
  /** A channel, group chat or meeting chat (not a 1:1 chat). */
  shared: boolean;
  /** Answers are shown to the asker only until they share them. */
  privateAnswers: boolean;
  /** The knowledge scope of this space, if the operator gave it one. */
  scope?: KnowledgeScope;
  /** Where "Ask an expert" goes from here: the scope's experts, else the default; none, no button. */
  experts?: ExpertsChannel;
}

export interface SpaceSettings {
  sharedSpaceAnswers: 'private' | 'public';
  knowledgeScopes: readonly KnowledgeScope[];
  /** EXPERTS_CHANNEL: where expert requests go when the space's scope names no experts. */
  expertsChannel?: ExpertsChannel;
}

/** Decided from the turn's surface (src/teams/turn.ts), so Copilot chats count as 1:1 here too. */
export type SpacePolicies = (turn: Pick<TeamsTurn, 'activity' | 'surface'>) => SpacePolicy;

export function spacePolicies(settings: SpaceSettings): SpacePolicies {
  return ({ activity, surface }) => {
    // The same rule as streaming and thread context: anything not known to be 1:1 is shared.
    const shared = !isOneToOne(surface);
    const fallbackExperts = settings.expertsChannel ? { experts: settings.expertsChannel } : {};
    if (!shared) return { shared: false, privateAnswers: false, ...fallbackExperts };
    const channelData = (activity.channelData ?? {}) as { team?: { id?: unknown }; channel?: { id?: unknown } };
    const teamId = typeof channelData.team?.id === 'string' ? channelData.team.id : undefined;
    const channelId = typeof channelData.channel?.id === 'string' ? channelData.channel.id : undefined;
    const scope = settings.knowledgeScopes.length > 0 ? scopeFor(settings.knowledgeScopes, { conversationId: activity.conversation.id, ...(teamId ? { teamId } : {}), ...(channelId ? { channelId } : {}) }) : undefined;
    const privateAnswers = settings.sharedSpaceAnswers === 'private' && !scope?.everyoneMaySee;
    const experts = scope?.experts ?? settings.expertsChannel;
    return { shared, privateAnswers, ...(scope ? { scope } : {}), ...(experts ? { experts } : {}) };
  };
}

/** 1:1 chats, and bots built without settings (unit tests): no privacy rules, no scope. */
export const NO_SPACE_RULES: SpaceSettings = { sharedSpaceAnswers: 'public', knowledgeScopes: [] };
