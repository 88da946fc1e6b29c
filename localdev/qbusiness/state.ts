/**
 * What the local Q service remembers: conversations per principal (like Q, a conversation
 * belongs to the identity that started it), every call it served, and faults queued by tests.
 */
import { randomUUID } from 'node:crypto';

export interface Message {
  messageId: string;
  type: 'USER' | 'SYSTEM';
  body: string;
  time: Date;
  /** Set on system messages that asked for a plugin action review or a plugin sign-in. */
  pluginTurn?: string;
}

export interface Conversation {
  conversationId: string;
  applicationId: string;
  principal: string;
  title: string;
  startTime: Date;
  messages: Message[];
  /** Files uploaded into this conversation: later questions can refer to them. */
  files?: Array<{ name: string; text: string }>;
}

export interface RecordedCall {
  operation: string;
  /** Q Business: the Identity Center user; STS and Identity Center: the calling access key. */
  principal: string;
  accessKeyId?: string;
  applicationId?: string;
  conversationId?: string;
  messageId?: string;
  body?: unknown;
  requestId: string;
  at: string;
  /** Set when a queued fault answered this call instead of the service. */
  faultInjected?: string;
}

export interface Fault {
  /** Operation name (ChatSync, PutFeedback, …) or '*' for any. */
  operation: string;
  /** Q error to return, e.g. ThrottlingException; omitted for pure latency or response faults. */
  error?: string;
  message?: string;
  latencyMs?: number;
  /** Response faults for ChatSync and Chat: an empty answer, or a plugin turn. */
  response?: 'emptyAnswer' | 'actionReview' | 'authChallenge';
  /**
   * Chat only: break the stream after `afterTokens` tokens of text (default 20), with an
   * exception frame (`error`, default ThrottlingException) or by resetting the HTTP/2 stream.
   */
  midStream?: 'exception' | 'drop';
  afterTokens?: number;
  /** How many matching calls this fault applies to. */
  count: number;
}

/** How fast answers are produced: Chat streams at this pace, ChatSync returns when it would be done. */
export interface Pacing {
  /** Time to the first token of the answer (retrieval and generation start). */
  firstTokenMs: number;
  /** Then this many tokens (about 4 characters each) per second; 0 = all at once. */
  tokensPerSecond: number;
  /** Chat: how many tokens each textEvent carries (default 1: an event per token). */
  tokensPerEvent?: number;
  /** Chat: at most this long for a whole answer (long answers go faster, in fewer, larger events). */
  maxAnswerMs?: number;
}

export const NO_PACING: Pacing = { firstTokenMs: 0, tokensPerSecond: 0 };

export class LocalQState {
  readonly conversations = new Map<string, Conversation>();
  readonly calls: RecordedCall[] = [];
  private faults: Fault[] = [];
  pacing: Pacing;

  constructor(private readonly initialPacing: Pacing = NO_PACING) {
    this.pacing = { ...initialPacing };
  }

  newId(): string {
    return randomUUID();
  }

  addFault(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The first queued fault for this operation, consumed once per call. */
  takeFault(operation: string): Fault | undefined {
    const fault = this.faults.find((candidate) => candidate.count > 0 && (candidate.operation === operation || candidate.operation === '*'));
    if (!fault) return undefined;
    fault.count -= 1;
    this.faults = this.faults.filter((candidate) => candidate.count > 0);
    return fault;
  }

  /** Ends every queued fault (an outage is over), keeping conversations and recorded calls. */
  clearFaults(): void {
    this.faults = [];
  }

  reset(): void {
    this.conversations.clear();
    this.calls.length = 0;
    this.faults = [];
    this.pacing = { ...this.initialPacing };
  }
}
