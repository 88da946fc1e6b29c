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
  /** Response faults for ChatSync: an empty answer, or a plugin turn the bot can't handle yet. */
  response?: 'emptyAnswer' | 'actionReview' | 'authChallenge';
  /** How many matching calls this fault applies to. */
  count: number;
}

export class LocalQState {
  readonly conversations = new Map<string, Conversation>();
  readonly calls: RecordedCall[] = [];
  private faults: Fault[] = [];

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

  reset(): void {
    this.conversations.clear();
    this.calls.length = 0;
    this.faults = [];
  }
}
