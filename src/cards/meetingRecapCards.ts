/**
 * Cards for a meeting recap that could not be made: what happened and what to do, one per
 * failure kind. Pure functions: data in, card JSON out. (A recap that works is an answer card.)
 */
import { adaptiveCard, textBlock, type AdaptiveCardJson } from './types';

export type RecapFailureKind =
  | 'notSetUp'
  | 'notInMeeting'
  | 'notScheduled'
  | 'channelMeeting'
  | 'noTranscript'
  | 'notReady'
  | 'consentMissing'
  | 'expired'
  | 'throttled'
  | 'unavailable';

const CARDS: Record<RecapFailureKind, { title: string; message: (detail: RecapFailureDetail) => string }> = {
  notSetUp: {
    title: 'Meeting recaps are not set up',
    message: () => 'This deployment of the app cannot read meeting transcripts yet. Ask your admin to set up meeting recaps (the app’s managed identity and Microsoft Graph access).',
  },
  notInMeeting: {
    title: 'This chat is not a meeting chat',
    message: () => 'I can recap a meeting from its own chat. Open the meeting’s chat in Teams and send **@Amazon Q recap** there.',
  },
  notScheduled: {
    title: 'I can only recap scheduled meetings',
    message: () => 'Teams keeps transcripts I can read for scheduled online meetings (from the calendar). This one is an instant meeting or a call, so there is nothing I may read.',
  },
  channelMeeting: {
    title: 'Channel meetings can’t be recapped',
    message: () => 'Teams lets apps read transcripts of scheduled meetings in their meeting chat, not of meetings held in a channel. Ask in the chat of a scheduled meeting instead.',
  },
  noTranscript: {
    title: 'This meeting has no transcript',
    message: () => 'Transcription was not turned on in this meeting, so there is nothing to recap. Next time, start transcription from the meeting’s **More → Record and transcribe → Start transcription**.',
  },
  notReady: {
    title: 'The transcript is not ready yet',
    message: () => 'Teams publishes the transcript a few minutes after the meeting ends. Try **@Amazon Q recap** again in five minutes.',
  },
  consentMissing: {
    title: 'I’m not allowed to read this meeting’s transcript',
    message: () => 'The permission to read transcripts of this meeting (resource-specific consent) was not granted when the app was added here. Ask the meeting organiser to remove the app from this meeting chat and add it again, accepting the permissions; your admin may need to allow resource-specific consent for meetings.',
  },
  expired: {
    title: 'This meeting can no longer be read',
    message: () => 'Teams no longer serves this meeting’s details or transcript (the meeting has expired or was deleted). Recaps are possible while the meeting and its transcript exist.',
  },
  throttled: {
    title: 'Microsoft Graph is busy',
    message: (detail) => `Microsoft 365 asked me to slow down while reading the transcript${detail.retryAfterSeconds ? ` (for ${detail.retryAfterSeconds} seconds)` : ''}. Try **@Amazon Q recap** again in a minute.`,
  },
  unavailable: {
    title: 'I could not read the transcript',
    message: () => 'Microsoft Graph did not answer just now. Try again in a moment; if it keeps happening, tell your admin (the bot’s log names the cause).',
  },
};

export interface RecapFailureDetail {
  retryAfterSeconds?: number;
  /** Graph's request id, for the admin. */
  requestId?: string;
}

export function recapFailureCard(kind: RecapFailureKind, detail: RecapFailureDetail = {}): AdaptiveCardJson {
  const card = CARDS[kind];
  const body = [textBlock(`**${card.title}**`, { color: 'Attention' }), textBlock(card.message(detail))];
  if (detail.requestId && /^[\w-]{1,64}$/.test(detail.requestId)) body.push(textBlock(`Request ID for your admin: ${detail.requestId}`, { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body);
}
