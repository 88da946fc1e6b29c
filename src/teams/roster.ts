/**
 * Team rosters through Teams' roster API (the connector's `conversations/{team}/members/{user}`,
 * via botbuilder's TeamsInfo), cached a few minutes per team and person: an expert answering
 * several requests is looked up once, and someone removed from the team is refused soon after.
 */
import { TeamsInfo } from 'botbuilder';
import type { TeamRoster } from '../domain/experts';
import type { TeamsTurn } from '../domain/turn';
import { contextOf } from './turn';

const CACHE_MS = 5 * 60 * 1000;
const MAX_ENTRIES = 10_000;

export function teamRoster(now: () => number = Date.now): TeamRoster {
  const cache = new Map<string, { member: boolean; until: number }>();
  return {
    async isMember(turn: TeamsTurn, teamId: string, userId: string): Promise<boolean> {
      const key = `${teamId}\n${userId}`;
      const cached = cache.get(key);
      if (cached && cached.until > now()) return cached.member;
      const context = contextOf(turn);
      if (!context) return false;
      let member: boolean;
      try {
        await TeamsInfo.getTeamMember(context, teamId, userId);
        member = true;
      } catch (error) {
        // 404 (MemberNotFoundInConversation) or 403 (bot not in that team): not a member. Anything else is an outage: refuse, uncached.
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 404 && status !== 403) throw error;
        member = false;
      }
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(key, { member, until: now() + CACHE_MS });
      return member;
    },
  };
}
