/**
 * Recent messages of channel threads and group chats, kept by the bot itself from what Teams
 * delivers under resource-specific consent (ChannelMessage.Read.Group, ChatMessage.Read.Chat), so
 * no tenant-wide Graph permission is needed. Bounded per thread, expiring, updated on edits and
 * deletes, and forgotten when the bot is removed. Without RSC the bot simply has none.
 */
import type { InboundActivity } from '../../domain/turn';
import { ExpiringRecords, REMOVE, UNCHANGED } from '../../state/expiringRecords';
import type { StateStorage } from '../../state/stateStorage';

export interface ThreadMessage {
  id: string;
  author: string;
  text: string;
  at: number;
}

interface ThreadRecord {
  messages: ThreadMessage[];
}

const MAX_MESSAGES_PER_THREAD = 30;
const MAX_MESSAGE_CHARS = 600;
const MAX_THREADS_PER_CONVERSATION = 200;
/** Context stays well below Q's 7,000-character message limit, question included. */
export const MAX_CONTEXT_CHARS = 2000;

export class ThreadContextStore {
  private readonly threads: ExpiringRecords<ThreadRecord>;
  private readonly indexes: ExpiringRecords<{ threads: string[] }>;

  constructor(
    storage: StateStorage,
    private readonly retentionMs: number,
    private readonly now: () => Date,
  ) {
    this.threads = new ExpiringRecords(storage, 'thread', retentionMs, now);
    this.indexes = new ExpiringRecords(storage, 'thread-index', retentionMs, now);
  }

  async record(activity: Partial<InboundActivity>): Promise<void> {
    const text = plainText(activity.text ?? '');
    const threadId = activity.conversation?.id;
    if (!threadId || !activity.id || !text) return;
    await this.change(threadId, (messages) => [
      ...messages.filter((message) => message.id !== activity.id),
      { id: activity.id as string, author: activity.from?.name ?? 'Someone', text: text.slice(0, MAX_MESSAGE_CHARS), at: this.now().getTime() },
    ]);
    await this.index(scopeOf(activity), threadId);
  }

  async edit(activity: Partial<InboundActivity>): Promise<void> {
    const threadId = activity.conversation?.id;
    if (!threadId || !activity.id) return;
    const text = plainText(activity.text ?? '').slice(0, MAX_MESSAGE_CHARS);
    await this.change(threadId, (messages) => messages.map((message) => (message.id === activity.id ? { ...message, text } : message)));
  }

  async remove(activity: Partial<InboundActivity>): Promise<void> {
    const threadId = activity.conversation?.id;
    if (!threadId || !activity.id) return;
    await this.change(threadId, (messages) => messages.filter((message) => message.id !== activity.id));
  }

  /** Forget every thread of the team or chat an activity belongs to (the bot was removed from it). */
  async forgetScope(activity: Partial<InboundActivity>): Promise<void> {
    const indexKey = this.indexes.key(scopeOf(activity));
    const index = await this.indexes.get(indexKey);
    await this.threads.storage.delete([...(index?.threads ?? []).map((threadId) => this.threads.key(threadId)), indexKey]);
  }

  async recent(threadId: string, excludeId?: string): Promise<ThreadMessage[]> {
    const cutoff = this.now().getTime() - this.retentionMs;
    const record = await this.threads.get(this.threads.key(threadId));
    return (record?.messages ?? []).filter((message) => message.at >= cutoff && message.id !== excludeId);
  }

  /** Re-applied on a concurrent write, so two messages arriving at once are both kept. */
  private async change(threadId: string, update: (messages: ThreadMessage[]) => ThreadMessage[]): Promise<void> {
    const cutoff = this.now().getTime() - this.retentionMs;
    await this.threads.update(this.threads.key(threadId), (record) => {
      const messages = update((record?.messages ?? []).filter((message) => message.at >= cutoff)).slice(-MAX_MESSAGES_PER_THREAD);
      return messages.length > 0 ? { messages } : REMOVE;
    });
  }

  private async index(scope: string, threadId: string): Promise<void> {
    await this.indexes.update(this.indexes.key(scope), (index) => {
      const threads = index?.threads ?? [];
      if (threads.includes(threadId)) return UNCHANGED;
      return { threads: [...threads, threadId].slice(-MAX_THREADS_PER_CONVERSATION) };
    });
  }
}

/**
 * Whether a question leans on the conversation around it ("what do you think of this?") rather
 * than standing alone: only then is the thread sent along, since a transcript dilutes retrieval.
 */
export function questionNeedsContext(question: string): boolean {
  const words = question.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const referring = ['this', 'that', 'these', 'those', 'it', 'they', 'them', 'above', 'thread', 'summarize', 'summarise', 'summary', 'discussed', 'mentioned', 'earlier', 'he', 'she'];
  return words.some((word) => referring.includes(word)) || words.length <= 3;
}

/** The question first, then as much recent context as fits, newest kept, clearly delimited. */
export function withThreadContext(question: string, messages: ThreadMessage[]): string {
  if (messages.length === 0 || !questionNeedsContext(question)) return question;
  const lines: string[] = [];
  let length = 0;
  for (const message of [...messages].reverse()) {
    const line = `${message.author}: ${message.text}`;
    if (length + line.length + 1 > MAX_CONTEXT_CHARS) break;
    lines.unshift(line);
    length += line.length + 1;
  }
  if (lines.length === 0) return question;
  return `${question}\n\n---\nFor context, recent messages in this conversation (oldest first):\n${lines.join('\n')}\n---`;
}

export function isBotMentioned(activity: Partial<InboundActivity>): boolean {
  return (activity.entities ?? []).some((entity) => entity.type === 'mention' && (entity as { mentioned?: { id?: string } }).mentioned?.id === activity.recipient?.id);
}

function plainText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A team (all its channels' threads) or a group chat: what the bot is installed in. */
function scopeOf(activity: Partial<InboundActivity>): string {
  const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
  return teamId ?? (activity.conversation?.id ?? '').split(';')[0] ?? '';
}
