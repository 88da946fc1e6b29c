/**
 * What people can do with a private answer in a shared space, besides reading their own: the
 * asker shares it with everyone there (the thread message becomes the answer, marked "Shared by
 * …", exactly once even when two instances handle the click), and anyone else asks the same
 * question as themselves (their own identity, their own private answer in the same thread). Every
 * check is against the stored record, never the card: a forged key or verb gets a refusal.
 */
import type { Logger } from 'pino';
import { cardMessage } from '../../cards/messages';
import type { AdaptiveCardJson } from '../../cards/types';
import type { TeamsTurn } from '../../domain/turn';
import { errorForLog } from '../../errors';
import { UNCHANGED } from '../../state/expiringRecords';
import type { AnswerRecord, AnswerStore } from '../feedback/answerStore';
import { askerView, viewForEveryone } from '../feedback/feedbackHandler';

export interface SharingDependencies {
  answers: AnswerStore;
  /** The answer loop, with sign-in first when needed (src/features/signIn answerOrSignIn). */
  ask: (turn: TeamsTurn, question: string, options: { askedBy: string }) => Promise<void>;
  logger: Logger;
}

const GONE = 'This answer is no longer available. Mention me with the question to ask it again.';

export class Sharing {
  constructor(private readonly deps: SharingDependencies) {}

  /** "Share with everyone here": the asker only; the message is updated by whoever makes the change. */
  async share(turn: TeamsTurn, data: { answerKey?: unknown }): Promise<AdaptiveCardJson | string> {
    const answerKey = typeof data.answerKey === 'string' ? data.answerKey : undefined;
    const current = answerKey ? await this.deps.answers.read(answerKey) : undefined;
    const log = this.deps.logger.child({ activityId: turn.activity.id, event: 'shareAnswer' });
    if (!answerKey || !current) return GONE;
    const record = current.value;
    if (record.askerKey !== turn.asker.key) {
      log.warn({ outcome: 'notAsker' }, 'share refused: not the asker');
      return viewForEveryone(record, `Only ${record.askerName ?? 'the person who asked'} can share this answer.`);
    }
    if (!record.privacy) return 'This answer is already visible to everyone here.';
    let changed = false;
    const written = await this.deps.answers.update(answerKey, (latest) => {
      changed = false;
      if (!latest?.privacy || latest.privacy.state !== 'private') return UNCHANGED;
      changed = true;
      return { ...latest, privacy: { ...latest.privacy, state: 'shared' } };
    });
    if (!written) return GONE;
    if (!changed) {
      log.info({ outcome: 'alreadyShared' }, 'answer was already shared');
      return askerView(written.value);
    }
    const messageId = turn.activity.replyToId;
    try {
      if (!messageId) throw new Error('the share click names no message');
      await turn.update({ ...cardMessage(viewForEveryone(written.value), { aiGenerated: true }), id: messageId });
    } catch (error) {
      // The thread still shows the placeholder: undo, so the asker can try again and nothing claims "shared".
      await this.deps.answers.update(answerKey, (latest) => (latest?.privacy?.state === 'shared' ? { ...latest, privacy: { ...latest.privacy, state: 'private' } } : UNCHANGED));
      log.warn({ outcome: 'updateRefused', error: errorForLog(error) }, 'the thread message could not be updated; answer stays private');
      return 'Your answer could not be shared right now (Teams did not take the update). It is still private; please try again.';
    }
    log.info({ outcome: 'shared' }, 'private answer shared with the space');
    return askerView(written.value);
  }

  /** "Ask this as me": the same question, answered for the person who clicked, as a new private answer. */
  async askAsMe(turn: TeamsTurn, data: { answerKey?: unknown }): Promise<AdaptiveCardJson | string> {
    const answerKey = typeof data.answerKey === 'string' ? data.answerKey : undefined;
    const current = answerKey ? await this.deps.answers.read(answerKey) : undefined;
    const record: AnswerRecord | undefined = current?.value;
    if (!record?.privacy) return GONE;
    if (record.askerKey === turn.asker.key) return askerView(record);
    this.deps.logger.info({ activityId: turn.activity.id, event: 'askAsMe' }, 'asking a shared space question again for another person');
    // Signs the person in first (in place, Universal Actions) when they have no session.
    const question = record.privacy.question;
    await this.deps.ask(turn, question, { askedBy: turn.activity.from.name ?? 'Someone' });
    return viewForEveryone(record, 'Your own answer is in this thread, below.');
  }
}
