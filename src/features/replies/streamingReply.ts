/**
 * A streamed reply in a Teams 1:1 chat (Teams' bot streaming protocol): an informative update as
 * soon as Q is asked, then the answer text as it grows, then a final message carrying the same
 * card a card reply would send. Teams' rules kept here: one update at a time and ~1.5 s apart,
 * each update holds all earlier text, text never half a markdown construct (../cards/streamText),
 * no updates near the 2-minute limit or above the size limit, attachments and labels only on the
 * final message. A refused first (informative) update means the person can't be reached: Q is
 * not asked and nothing more is sent. Later, a 403 (the person pressed Stop, or Teams ended the
 * stream) stops everything; a 429 or any other refused update stops the updates but still sends
 * the final message; nothing ever rejects unobserved, and the stream is always closed.
 */
import type { Logger } from 'pino';
import { streamableMarkdown } from '../../cards/streamText';
import { shortenAtBoundary } from '../../content/sizeBudget';
import type { OutgoingActivity, TeamsTurn } from '../../domain/turn';
import type { AnswerPresenter } from './presenter';

export const INFORMATIVE_TEXT = 'Searching your company’s documents…';
/** Teams asks for about 1.5–2 s between updates. */
export const UPDATE_SPACING_MS = 1500;
/** Teams ends a stream after 2 minutes: no updates after this, so the final message still fits. */
const UPDATES_UNTIL_MS = 100_000;
/** Past this the stream is (nearly) over for Teams: the answer goes out as a message of its own. */
const STREAM_LIFETIME_MS = 115_000;
/** Updates stay far below Teams' message size limit (40 KB as UTF-16). */
const MAX_STREAMED_CHARACTERS = 12_000;
const CLOSED_WITHOUT_ANSWER = 'Sorry, something went wrong on my side. Please try again.';

type StreamType = 'informative' | 'streaming' | 'final';

/**
 * Streamed replies where Teams allows them: message turns in 1:1 chats, one stream per chat at a
 * time (a second question while one streams gets a card reply). Elsewhere: undefined (card reply).
 */
export function streamingPresenters(logger: Logger): (turn: TeamsTurn) => AnswerPresenter | undefined {
  const streaming = new Set<string>();
  return (turn) => {
    const { activity } = turn;
    const chat = activity.conversation.id;
    if (activity.type !== 'message' || activity.conversation.conversationType !== 'personal' || streaming.has(chat)) return undefined;
    // The chat counts as streaming from the informative update on: a turn that never reaches Q
    // (sign-in first) leaves it free for the answer given after sign-in.
    const claim = (): boolean => !streaming.has(chat) && Boolean(streaming.add(chat));
    let claimed = false;
    return new StreamingReply(turn, logger.child({ activityId: activity.id }), {
      claim: () => (claimed = claim()),
      release: () => {
        if (claimed) streaming.delete(chat);
      },
    });
  };
}

/** One stream per chat: a reply claims its chat when it starts streaming and releases it at the end. */
export interface StreamSlot {
  claim(): boolean;
  release(): void;
}

export class StreamingReply implements AnswerPresenter {
  private streamId?: string;
  private sequence = 0;
  private started = false;
  /** Resolves once Teams took (true) or refused (false) the informative update. */
  private firstUpdate?: Promise<boolean>;
  /** Teams refused the first update: nothing at all is sent for this answer. */
  private unreachable = false;
  /** Teams refused the stream (403): nothing more is sent for this answer. */
  private stopped = false;
  /** No more updates (429, a refused update, time or size limit, or the final is on its way). */
  private updatesOff = false;
  private ended = false;
  private startedAt = 0;
  private received = '';
  private shown = '';
  private inFlight: Promise<void> = Promise.resolve();
  private sending = false;
  private lastUpdateAt = 0;
  private timer?: NodeJS.Timeout;

  readonly streams = true;

  constructor(
    private readonly turn: TeamsTurn,
    private readonly log: Logger,
    private readonly slot: StreamSlot,
  ) {}

  shownText(): string | undefined {
    const text = streamableMarkdown(this.received);
    return text || undefined;
  }

  async final(activity: OutgoingActivity): Promise<void> {
    this.updatesOff = true;
    this.cancelTimer();
    // One at a time: the final message waits for the update in flight, then for Teams' spacing.
    await this.inFlight;
    if (this.stopped || this.ended || this.unreachable) {
      this.log.info({ event: 'stream', outcome: this.stopped ? 'stoppedByTeams' : this.unreachable ? 'unreachable' : 'alreadyEnded' }, 'final message not sent');
      return;
    }
    this.ended = true;
    if (!this.streamId || Date.now() - this.startedAt > STREAM_LIFETIME_MS) {
      // The stream never started (or Teams gave it no id), or Teams is about to end it: an ordinary reply.
      await this.turn.send(activity);
      return;
    }
    await delay(this.lastUpdateAt + UPDATE_SPACING_MS - Date.now());
    try {
      await this.turn.send(this.withStreamInfo(activity, 'final'));
      this.log.info({ event: 'stream', outcome: 'final', updates: this.sequence, streamedCharacters: this.shown.length }, 'stream ended');
    } catch (error) {
      // Teams keeps what it showed; sending the card again outside the stream would duplicate it.
      this.log.warn({ event: 'stream', outcome: 'finalRefused', ...refusal(error) }, 'Teams refused the final message');
    }
  }

  async finish(): Promise<void> {
    this.updatesOff = true;
    this.cancelTimer();
    await this.inFlight;
    // Whatever Q sent, the closing text stays well inside Teams' 40 KB (the updates stopped at the same length).
    if (this.started && !this.stopped && !this.ended && !this.unreachable) {
      const closing = shortenAtBoundary(streamableMarkdown(this.received.slice(0, MAX_STREAMED_CHARACTERS)), MAX_STREAMED_CHARACTERS);
      await this.final({ type: 'message', text: closing || CLOSED_WITHOUT_ANSWER });
    }
    this.slot.release();
  }

  /** Q is about to be asked (credentials were ready: no sign-in first); false: don't ask, Teams refused. */
  informative(): Promise<boolean> {
    // Called again when Q had lost the conversation and the question is asked anew.
    if (this.firstUpdate) return this.firstUpdate;
    this.started = true;
    this.startedAt = Date.now();
    // Another answer is streaming in this chat: this one arrives as an ordinary reply.
    if (!this.slot.claim()) {
      this.updatesOff = true;
      this.firstUpdate = Promise.resolve(true);
      return this.firstUpdate;
    }
    this.update('informative', INFORMATIVE_TEXT);
    // inFlight never rejects (refusals are caught and recorded in `unreachable`).
    this.firstUpdate = this.inFlight.then(() => !this.unreachable);
    return this.firstUpdate;
  }

  text(soFar: string): void {
    this.received = soFar;
    this.schedule();
  }

  private schedule(): void {
    if (this.updatesOff || this.sending || this.timer || !this.streamId) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(0, this.lastUpdateAt + UPDATE_SPACING_MS - Date.now()));
  }

  private pump(): void {
    if (this.updatesOff || this.sending) return;
    if (Date.now() - this.startedAt > UPDATES_UNTIL_MS || this.received.length > MAX_STREAMED_CHARACTERS) {
      this.updatesOff = true;
      return;
    }
    const text = streamableMarkdown(this.received);
    // Escaping can make shown text longer than what Q sent: the same cap holds for what is shown.
    if (text.length > MAX_STREAMED_CHARACTERS) {
      this.updatesOff = true;
      return;
    }
    // Nothing new that reads well yet, or text the content boundary now shows differently (a link
    // that just closed): Teams needs each update to hold all earlier text, so wait for more.
    if (text.length > this.shown.length && text.startsWith(this.shown)) this.update('streaming', text);
  }

  private update(type: Exclude<StreamType, 'final'>, text: string): void {
    this.sending = true;
    this.sequence += 1;
    const activity = this.withStreamInfo({ type: 'typing', text }, type, this.sequence);
    this.inFlight = this.turn
      .send(activity)
      .then((id: string | undefined) => {
        this.streamId ??= id;
        if (!this.streamId) this.updatesOff = true;
        if (type === 'streaming') this.shown = text;
      })
      .catch((error: unknown) => this.refused(error))
      .finally(() => {
        this.sending = false;
        this.lastUpdateAt = Date.now();
        this.schedule();
      });
  }

  private refused(error: unknown): void {
    const { status, code } = refusal(error);
    this.updatesOff = true;
    // The informative update, the stream's first: Teams can't be reached (or won't take this reply).
    if (!this.streamId && this.sequence === 1) this.unreachable = true;
    // 403 ContentStreamNotAllowed: Stop pressed, too long or too large; the stream is over.
    if (status === 403 && this.streamId) this.stopped = true;
    this.log.warn({ event: 'stream', outcome: status === 403 ? 'stopped' : status === 429 ? 'throttled' : 'updateRefused', status, code, sequence: this.sequence }, 'Teams refused a stream update');
  }

  private withStreamInfo(activity: OutgoingActivity, streamType: StreamType, streamSequence?: number): OutgoingActivity {
    const info = { streamType, ...(streamSequence ? { streamSequence } : {}), ...(this.streamId ? { streamId: this.streamId } : {}) };
    return {
      ...activity,
      entities: [...(activity.entities ?? []), { type: 'streaminfo', ...info }],
      channelData: { ...(activity.channelData as object | undefined), ...info },
    };
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function refusal(error: unknown): { status?: number; code?: string } {
  const failure = error as { statusCode?: number; code?: string; message?: string; body?: unknown };
  const code = /ContentStream\w+/.exec(`${failure.code ?? ''} ${failure.message ?? ''} ${JSON.stringify(failure.body ?? '')}`)?.[0] ?? failure.code;
  return { ...(failure.statusCode ? { status: failure.statusCode } : {}), ...(code ? { code } : {}) };
}

const delay = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
