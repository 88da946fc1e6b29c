/**
 * Structural check of an inbound Bot Framework activity before botbuilder sees it. botbuilder and
 * the Teams AI library assume these fields and fail deep inside a turn (500, stack trace in the
 * log) when they are missing; a clear 400 names what is wrong instead.
 */
export function activityProblems(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['the request body must be a JSON activity object'];
  const activity = body as Record<string, unknown>;
  const problems: string[] = [];
  const requireString = (value: unknown, name: string): void => {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${name} is missing`);
  };
  const requireAccount = (value: unknown, name: string): void => {
    requireString(value && typeof value === 'object' ? (value as Record<string, unknown>).id : undefined, `${name}.id`);
  };
  requireString(activity.type, 'type');
  requireString(activity.channelId, 'channelId');
  requireString(activity.serviceUrl, 'serviceUrl');
  requireAccount(activity.conversation, 'conversation');
  requireAccount(activity.from, 'from');
  requireAccount(activity.recipient, 'recipient');
  if (activity.text !== undefined && typeof activity.text !== 'string') problems.push('text must be a string');
  return problems;
}
