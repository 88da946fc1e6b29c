/** Builders for Bot Framework activities shaped the way Teams sends them. */
import { randomUUID } from 'node:crypto';

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ADA: TeamsUser = { id: '29:1ada', name: 'Ada Lovelace', aadObjectId: '6c1c2a55-0d0e-4c6b-9a8e-1b0c3f2d4a11' };
export const GRACE: TeamsUser = { id: '29:1grace', name: 'Grace Hopper', aadObjectId: '0b7e6d3c-2f4a-4e1b-8c5d-9a6f1e2d3c44' };
export const BOT = { id: '28:bot-local', name: 'Q Business' };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function envelope(serviceUrl: string, user: TeamsUser, conversationId: string): Record<string, unknown> {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: user,
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-US',
  };
}

export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId}`;
}

export function message(serviceUrl: string, user: TeamsUser, text: string, conversationId = personalConversationId(user)): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversationId), type: 'message', text, textFormat: 'plain' };
}

/** An Action.Submit click: a message with no text and the action's data as `value`. */
export function submit(serviceUrl: string, user: TeamsUser, replyToId: string, value: Record<string, unknown>, conversationId = personalConversationId(user)): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversationId), type: 'message', replyToId, value };
}

/** An Action.Execute click: invoke `adaptiveCard/action`, answered in the HTTP response. */
export function execute(serviceUrl: string, user: TeamsUser, replyToId: string, verb: string, data: Record<string, unknown>, conversationId = personalConversationId(user)): Record<string, unknown> {
  return {
    ...envelope(serviceUrl, user, conversationId),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

export function botInstalled(serviceUrl: string, user: TeamsUser): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, personalConversationId(user)), type: 'conversationUpdate', membersAdded: [{ id: BOT.id }] };
}
