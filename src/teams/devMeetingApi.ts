/**
 * Development only (DEV_TEAMS_MEETING_API_URL): Teams' meeting API from the local services instead
 * of the activity's serviceUrl, because the Microsoft 365 Agents Playground has no meeting API. Same
 * request and JSON as Teams' `GET /v1/meetings/{meetingId}`; refused statuses keep `statusCode`.
 */
import type { TeamsMeeting, TeamsTurn } from '../domain/turn';
import { meetingFromInfo, meetingIdOf } from './turn';

export function devMeetingLookup(baseUrl: string): (turn: TeamsTurn, knownMeetingId?: string) => Promise<TeamsMeeting | undefined> {
  return async (turn, knownMeetingId) => {
    const meetingId = knownMeetingId ?? meetingIdOf(turn.activity);
    if (!meetingId) return undefined;
    const response = await fetch(`${baseUrl}/v1/meetings/${encodeURIComponent(meetingId)}`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw Object.assign(new Error(`meeting API ${response.status}`), { statusCode: response.status });
    return meetingFromInfo(meetingId, (await response.json()) as Parameters<typeof meetingFromInfo>[1]);
  };
}
