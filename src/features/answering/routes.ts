/**
 * The answering feature's routes: any message no other feature took (a question, with files, or a
 * mention in a channel or group chat), and "Try again" on a failure card. Registered last.
 */
import { cardMessage } from '../../cards/messages';
import { channelFilesCard, fileProblemsCard } from '../../cards/messageCards';
import { VERBS } from '../../cards/verbs';
import type { QAttachment } from '../../domain/qTurn';
import { isOneToOne } from '../../domain/turn';
import type { FeatureRoutes } from '../routes';
import type { ThreadContextStore } from '../threadContext/threadContext';
import { withThreadContext } from '../threadContext/threadContext';
import type { Ask } from './answerQuestion';
import { helpCardFor } from '../../cards/privateAnswerCards';
import type { SpacePolicies } from '../../domain/spacePolicy';
import { collectFiles, hasFiles } from './fileAttachments';
import type { RetryStore } from './retryStore';

export interface AnsweringRoutesDependencies {
  ask: Ask;
  retries: RetryStore;
  threads: ThreadContextStore;
  spaces: SpacePolicies;
  /** Development only: file downloads from loopback hosts (tests, playground). */
  allowLoopbackFileHosts: boolean;
}

export function registerAnswering(routes: FeatureRoutes, deps: AnsweringRoutesDependencies): void {
  routes.cardSubmit<{ retryKey?: unknown }>(VERBS.retryQuestion, async (turn, data) => {
    const pending = typeof data.retryKey === 'string' ? await deps.retries.take(data.retryKey, turn.asker.key) : undefined;
    if (!pending) {
      await turn.send('That question can no longer be retried. Please ask it again.');
      return;
    }
    await deps.ask(turn, pending.question);
  });

  routes.message(async (turn) => {
    const activity = turn.activity;
    let question = (activity.text ?? '').trim();
    let attachments: QAttachment[] | undefined;
    if (hasFiles(activity)) {
      const collected = await collectFiles(activity, { allowLoopback: deps.allowLoopbackFileHosts });
      if (collected.problems.length > 0) {
        await turn.send(cardMessage(fileProblemsCard(collected.problems)));
        return;
      }
      if (collected.unreachable.length > 0) {
        await turn.send(cardMessage(channelFilesCard(collected.unreachable)));
        if (collected.files.length === 0) return;
      }
      attachments = collected.files;
      if (!question && attachments.length > 0) question = `Summarize the attached file${attachments.length > 1 ? 's' : ''}.`;
    }
    if (!question) {
      await turn.send(cardMessage(helpCardFor(deps.spaces(turn))));
      return;
    }
    if (isOneToOne(turn.surface)) {
      await deps.ask(turn, question, attachments ? { attachments } : {});
      return;
    }
    // In a thread or group chat: the mention's question, with recent context when it needs it.
    const recent = await deps.threads.recent(activity.conversation.id, activity.id);
    await deps.threads.record(activity);
    await deps.ask(turn, question, { promptForQ: withThreadContext(question, recent), askedBy: activity.from.name ?? 'you', ...(attachments ? { attachments } : {}) });
  });
}
