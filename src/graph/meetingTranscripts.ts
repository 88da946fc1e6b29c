/**
 * A meeting's latest transcript from Microsoft Graph: list the onlineMeeting's transcripts
 * (`GET /v1.0/users/{organizer}/onlineMeetings/{id}/transcripts`, allowed by the resource-specific
 * permission OnlineMeetingTranscript.Read.Chat for the meeting chat the app is installed in), then
 * its content as WebVTT (`…/transcripts/{id}/content?$format=text/vtt`). The text is handed back,
 * never logged.
 */
import type { GraphClient } from './graphClient';

export interface TranscriptListItem {
  id: string;
  createdDateTime?: string;
  endDateTime?: string;
}

export type LatestTranscript = { kind: 'none' } | { kind: 'found'; transcriptId: string; vtt: string };

export class MeetingTranscripts {
  constructor(private readonly graph: GraphClient) {}

  async latest(organizerId: string, graphMeetingId: string, deadline: number): Promise<LatestTranscript> {
    const meeting = `/v1.0/users/${encodeURIComponent(organizerId)}/onlineMeetings/${encodeURIComponent(graphMeetingId)}`;
    const list = await this.graph.getJson<{ value?: TranscriptListItem[] }>(`${meeting}/transcripts`, { deadline });
    const transcripts = (list.value ?? []).filter((item) => typeof item.id === 'string' && item.id);
    // The latest transcript: a meeting transcribed twice (stopped and restarted) has several.
    const latest = transcripts.sort((a, b) => (a.createdDateTime ?? '').localeCompare(b.createdDateTime ?? '')).pop();
    if (!latest) return { kind: 'none' };
    const vtt = await this.graph.getText(`${meeting}/transcripts/${encodeURIComponent(latest.id)}/content?$format=text/vtt`, { deadline, accept: 'text/vtt' });
    return { kind: 'found', transcriptId: latest.id, vtt };
  }
}
