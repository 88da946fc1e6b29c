/**
 * Structural check of an authenticated inbound activity before botbuilder sees it. botbuilder and
 * the Teams AI library assume these fields and their types and fail deep inside a turn (500, stack
 * trace in the log) when they are wrong; a 400 names what is wrong instead, without echoing it.
 * Lists the handlers only read from (entities, attachments, members) are cleaned, not refused:
 * Teams may add kinds of items the bot does not know.
 */
const MAX_TEXT_LENGTH = 100_000;
const MAX_ID_LENGTH = 1024;
const MAX_FIELD_LENGTH = 4096;
const OPTIONAL_STRINGS = ['id', 'name', 'locale', 'timestamp', 'localTimestamp', 'textFormat', 'replyToId', 'action', 'valueType', 'summary', 'topicName', 'inputHint', 'deliveryMode', 'localTimezone', 'callerId', 'speak'];
const ACCOUNT_STRINGS = ['id', 'name', 'aadObjectId', 'role'];

export function activityProblems(body: unknown): string[] {
  if (!isRecord(body)) return ['the request body must be a JSON activity object'];
  const activity = body;
  const problems: string[] = [];
  const requireString = (value: unknown, name: string): void => {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${name} is missing`);
    else if (value.length > MAX_ID_LENGTH) problems.push(`${name} is too long`);
  };
  const optionalString = (value: unknown, name: string): void => {
    if (value !== undefined && value !== null && typeof value !== 'string') problems.push(`${name} must be a string`);
    else if (typeof value === 'string' && value.length > MAX_FIELD_LENGTH) problems.push(`${name} is too long`);
  };
  const requireAccount = (value: unknown, name: string): void => {
    if (!isRecord(value)) {
      problems.push(`${name} must be an object`);
      return;
    }
    requireString(value.id, `${name}.id`);
    for (const field of ACCOUNT_STRINGS.slice(1)) optionalString(value[field], `${name}.${field}`);
  };
  requireString(activity.type, 'type');
  requireString(activity.channelId, 'channelId');
  requireString(activity.serviceUrl, 'serviceUrl');
  requireAccount(activity.conversation, 'conversation');
  requireAccount(activity.from, 'from');
  requireAccount(activity.recipient, 'recipient');
  if (isRecord(activity.conversation)) {
    optionalString(activity.conversation.tenantId, 'conversation.tenantId');
    optionalString(activity.conversation.conversationType, 'conversation.conversationType');
  }
  for (const field of OPTIONAL_STRINGS) optionalString(activity[field], field);
  if (activity.text !== undefined && activity.text !== null) {
    if (typeof activity.text !== 'string') problems.push('text must be a string');
    else if (activity.text.length > MAX_TEXT_LENGTH) problems.push('text is too long');
  }
  if (activity.channelData !== undefined && activity.channelData !== null) {
    if (!isRecord(activity.channelData)) problems.push('channelData must be an object');
    else {
      const { tenant, eventType } = activity.channelData;
      if (tenant !== undefined && (!isRecord(tenant) || (tenant.id !== undefined && typeof tenant.id !== 'string'))) problems.push('channelData.tenant.id must be a string');
      optionalString(eventType, 'channelData.eventType');
    }
  }
  if (activity.type === 'invoke') requireString(activity.name, 'name');
  return problems;
}

/** The serviceUrl the bot would call back: https, or loopback http when development allows it. */
export function serviceUrlProblem(serviceUrl: string, allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'serviceUrl is not a URL';
  }
  if (url.username || url.password) return 'serviceUrl must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowLoopback && isLoopbackHost(url.hostname)) return undefined;
  return allowLoopback ? 'serviceUrl must be an https URL (or http on loopback)' : 'serviceUrl must be an https URL';
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** The tenant Teams names for the activity (conversation first, then channelData). */
export function tenantOf(activity: Record<string, unknown>): string | undefined {
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  const channelData = activity.channelData as Record<string, unknown> | undefined;
  const tenant = conversation?.tenantId ?? (isRecord(channelData?.tenant) ? channelData.tenant.id : undefined);
  return typeof tenant === 'string' && tenant ? tenant.toLowerCase() : undefined;
}

/** Drops list items handlers can't use (and lists that aren't lists) instead of failing the turn. */
export function withUsableLists(activity: Record<string, unknown>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = { ...activity };
  const keep = (field: string, usable: (item: Record<string, unknown>) => boolean): void => {
    const value = activity[field];
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      delete cleaned[field];
      return;
    }
    cleaned[field] = value.filter((item): item is Record<string, unknown> => isRecord(item) && usable(item));
  };
  keep('entities', (entity) => typeof entity.type === 'string' && (entity.type !== 'mention' || (isRecord(entity.mentioned) && typeof entity.mentioned.id === 'string' && typeof entity.text === 'string')));
  keep('attachments', (attachment) => typeof attachment.contentType === 'string' && (attachment.name === undefined || typeof attachment.name === 'string'));
  keep('membersAdded', (member) => typeof member.id === 'string');
  keep('membersRemoved', (member) => typeof member.id === 'string');
  return cleaned;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
