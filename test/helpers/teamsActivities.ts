/** Builders for Bot Framework activities shaped the way Teams sends them. */
import { randomUUID } from 'node:crypto';
import { DIRECTORY, LOCAL_TENANT_ID } from '../../localdev/directory';

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

/** A person of the local directory, as Teams describes them in activities. */
export function teamsUser(name: string): TeamsUser {
  const person = DIRECTORY.find((candidate) => candidate.name === name);
  if (!person) throw new Error(`${name} is not in the local directory`);
  return { id: `29:${person.email}`, name: person.name, aadObjectId: person.aadObjectId };
}

export const ADA = teamsUser('Ada Lovelace');
export const GRACE = teamsUser('Grace Hopper');
/** In Entra but not in IAM Identity Center. */
export const LINUS = teamsUser('Linus Pauling');
export const BOT = { id: '28:bot-local', name: 'Q Business' };
const TENANT = LOCAL_TENANT_ID;

const TEAM = { id: '19:team-operations@thread.tacv2', name: 'Operations' };

function envelope(serviceUrl: string, user: TeamsUser, conversationId: string, conversationType = 'personal'): Record<string, unknown> {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: user,
    recipient: BOT,
    conversation: { id: conversationId, conversationType, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, ...(conversationType === 'channel' ? { team: TEAM, channel: { id: conversationId.split(';')[0] } } : {}) },
    locale: 'en-US',
  };
}

/**
 * Any activity in a given conversation, with its own channelData (a dialog in another team's
 * channel, say): for shapes the builders here do not cover.
 */
export function activityIn(serviceUrl: string, user: TeamsUser, conversation: { id: string; conversationType: string }, extra: Record<string, unknown>, channelData: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversation.id, conversation.conversationType), channelData: { tenant: { id: TENANT }, ...channelData }, ...extra };
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

/** Teams' silent SSO answer to an OAuthCard: invoke signin/tokenExchange with the user's token. */
export function tokenExchange(serviceUrl: string, user: TeamsUser, exchangeId: string, token: string, conversationId = personalConversationId(user)): Record<string, unknown> {
  return {
    ...envelope(serviceUrl, user, conversationId),
    type: 'invoke',
    name: 'signin/tokenExchange',
    value: { id: exchangeId, connectionName: 'AmazonQBusinessTeamsSso', token },
  };
}

export function verifyState(serviceUrl: string, user: TeamsUser, state: string): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, personalConversationId(user)), type: 'invoke', name: 'signin/verifyState', value: { state } };
}

/** A message in a channel thread that @mentions the bot. */
export function channelMention(serviceUrl: string, user: TeamsUser, text: string, threadId = '19:general@thread.tacv2;messageid=1700000000000'): Record<string, unknown> {
  return {
    ...envelope(serviceUrl, user, threadId, 'channel'),
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
  };
}

/** Action.Execute in a channel thread, optionally carrying the token Teams fetched silently. */
export function executeInThread(serviceUrl: string, user: TeamsUser, verb: string, data: Record<string, unknown>, token?: string, threadId = '19:general@thread.tacv2;messageid=1700000000000', via: 'sso' | 'fallback' = 'sso'): Record<string, unknown> {
  return {
    ...envelope(serviceUrl, user, threadId, 'channel'),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'sent-1',
    value: {
      action: { type: 'Action.Execute', verb, data },
      trigger: 'manual',
      ...(token && via === 'sso' ? { authentication: { id: randomUUID(), connectionName: 'AmazonQBusinessTeamsSso', token } } : {}),
      ...(token && via === 'fallback' ? { state: token } : {}),
    },
  };
}

export const THREAD = '19:general@thread.tacv2;messageid=1700000000000';
export const GROUP_CHAT = '19:project-falcon@thread.v2';

/** A message in a channel thread or group chat that does not mention the bot (delivered under RSC). */
export function conversationMessage(serviceUrl: string, user: TeamsUser, text: string, conversationId: string, id: string = randomUUID()): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversationId, conversationId.includes('@thread.v2') ? 'groupChat' : 'channel'), id, type: 'message', text };
}

/** A message that @mentions the bot in a channel thread or group chat. */
export function mention(serviceUrl: string, user: TeamsUser, text: string, conversationId: string, id: string = randomUUID()): Record<string, unknown> {
  return {
    ...conversationMessage(serviceUrl, user, `<at>${BOT.name}</at> ${text}`, conversationId, id),
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
  };
}

export function messageEdited(serviceUrl: string, user: TeamsUser, id: string, text: string, conversationId: string): Record<string, unknown> {
  const base = conversationMessage(serviceUrl, user, text, conversationId, id);
  return { ...base, type: 'messageUpdate', channelData: { ...(base.channelData as object), eventType: 'editMessage' } };
}

export function messageDeleted(serviceUrl: string, user: TeamsUser, id: string, conversationId: string): Record<string, unknown> {
  const base = conversationMessage(serviceUrl, user, '', conversationId, id);
  return { ...base, type: 'messageDelete', channelData: { ...(base.channelData as object), eventType: 'softDeleteMessage' } };
}

export function botRemoved(serviceUrl: string, user: TeamsUser, conversationId: string): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversationId, 'channel'), type: 'conversationUpdate', membersRemoved: [{ id: BOT.id }] };
}

/**
 * A message extension invoke (`composeExtension/query`, `fetchTask`, `submitAction`) as Teams sends
 * it from a chat's compose box or a message's … menu; the bot need not be installed in that chat.
 */
export function composeExtension(serviceUrl: string, user: TeamsUser, name: string, value: unknown, conversationId = GROUP_CHAT): Record<string, unknown> {
  return { ...envelope(serviceUrl, user, conversationId, 'groupChat'), type: 'invoke', name, value };
}

/** The search command's query as typed so far, with the SSO token of a silentAuth round if given. */
export function searchQuery(serviceUrl: string, user: TeamsUser, text: string, options: { token?: string; state?: string; commandId?: string } = {}): Record<string, unknown> {
  return composeExtension(serviceUrl, user, 'composeExtension/query', {
    commandId: options.commandId ?? 'askQ',
    parameters: [{ name: 'question', value: text }],
    queryOptions: { skip: 0, count: 25 },
    ...(options.token ? { authentication: { token: options.token } } : {}),
    ...(options.state ? { state: options.state } : {}),
  });
}

/** The person's Microsoft 365 Copilot Chat with the bot: a conversation of its own, not the Teams 1:1 chat. */
export function copilotConversationId(user: TeamsUser): string {
  return `a:copilot-${user.aadObjectId}`;
}

/**
 * Any activity above as Microsoft 365 Copilot Chat sends it to a custom engine agent: still on the
 * `msteams` channel, marked by `channelData.productContext: "COPILOT"` and a `ProductInfo` entity
 * `COPILOT` (the Agents SDK's `msteams:COPILOT` sub-channel), in the person's Copilot conversation.
 * `conversationType: 'absent'` drops the conversation type, which no public source pins down.
 */
export function inCopilot(activity: Record<string, unknown>, options: { conversationType?: 'personal' | 'absent'; marks?: 'both' | 'productContext' | 'entity' } = {}): Record<string, unknown> {
  const user = activity.from as TeamsUser;
  const { conversationType: _dropped, ...conversation } = activity.conversation as Record<string, unknown>;
  const marks = options.marks ?? 'both';
  return {
    ...activity,
    conversation: { ...conversation, id: copilotConversationId(user), ...(options.conversationType === 'absent' ? {} : { conversationType: 'personal' }) },
    channelData: { ...(activity.channelData as object), ...(marks === 'entity' ? {} : { productContext: 'COPILOT' }) },
    entities: [...((activity.entities as unknown[]) ?? []), ...(marks === 'productContext' ? [] : [{ type: 'ProductInfo', id: 'COPILOT' }])],
  };
}
