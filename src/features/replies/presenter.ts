/**
 * How a turn's reply reaches the person, as a send-only stream (like Teams AI's StreamingResponse):
 * an informative update while Q works, the answer text as it grows, and one final message. A
 * presenter never calls Q: the answer loop does, and tells the presenter what happened.
 */
import type { OutgoingActivity } from '../../domain/turn';

export interface AnswerPresenter {
  /** True: the answer loop asks Q with Chat and passes its text on; false: ChatSync. */
  readonly streams: boolean;
  /**
   * Q is being asked: "typing…" for a card reply, the informative update for a stream. Resolves
   * false when Teams refused that first update (the person can't be reached: Q is not asked).
   */
  informative(): Promise<boolean>;
  /** All the answer text received so far (streams only). */
  text(soFar: string): void;
  /** The turn's one reply (answer, failure, plugin form…): for a stream, its final message. */
  final(activity: OutgoingActivity): Promise<void>;
  /** Answer text the person has already seen, to keep when Q fails midway (streams only). */
  shownText(): string | undefined;
  /** Leaves nothing open (no typing timer, no stream without its final message), whatever happened. */
  finish(): Promise<void>;
}
