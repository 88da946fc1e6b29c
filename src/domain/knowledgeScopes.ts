/**
 * Knowledge scopes: the operator's statement of which documents a team, channel or chat searches
 * (Amazon Q Business `attributeFilter`, passed on unchanged) and whether everyone there may see
 * them. Parsed and checked here once (KNOWLEDGE_SCOPES_FILE, read by src/config.ts); every problem
 * names the entry and the field. The doctor reuses the same parser (src/doctor/knowledgeScopes).
 */

/** Q's own `DocumentAttributeValue`: exactly one of these. */
export interface AttributeValue {
  stringValue?: string;
  stringListValue?: string[];
  longValue?: number;
  /** ISO 8601 date-time: the SDK turns it into Q's epoch-seconds timestamp. */
  dateValue?: string;
}

export interface DocumentAttribute {
  name: string;
  value: AttributeValue;
}

/** Q's `AttributeFilter` shape, as the operator wrote it. */
export interface AttributeFilter {
  andAllFilters?: AttributeFilter[];
  orAllFilters?: AttributeFilter[];
  notFilter?: AttributeFilter;
  equalsTo?: DocumentAttribute;
  containsAll?: DocumentAttribute;
  containsAny?: DocumentAttribute;
  greaterThan?: DocumentAttribute;
  greaterThanOrEquals?: DocumentAttribute;
  lessThan?: DocumentAttribute;
  lessThanOrEquals?: DocumentAttribute;
}

export interface KnowledgeScope {
  name: string;
  attributeFilter: AttributeFilter;
  /** The admin states that everyone in these spaces may see these documents: answers are posted for all. */
  everyoneMaySee: boolean;
  teams: string[];
  channels: string[];
  chats: string[];
  /** Where this scope's "Ask an expert" requests go (else EXPERTS_CHANNEL). */
  experts?: { teamId: string; channelId: string };
}

/** Where a question was asked, in the ids Teams puts on the activity. */
export interface SpaceIds {
  teamId?: string;
  channelId?: string;
  conversationId: string;
}

const NESTED = ['andAllFilters', 'orAllFilters'] as const;
const COMPARISONS = ['equalsTo', 'containsAll', 'containsAny', 'greaterThan', 'greaterThanOrEquals', 'lessThan', 'lessThanOrEquals'] as const;
const FILTER_KEYS = new Set<string>([...NESTED, 'notFilter', ...COMPARISONS]);
const VALUE_KEYS = new Set(['stringValue', 'stringListValue', 'longValue', 'dateValue']);
const SCOPE_KEYS = new Set(['name', 'attributeFilter', 'everyoneMaySee', 'teams', 'channels', 'chats', 'experts']);
/** Q limits filter nesting; deeper than this is a mistake in the file, not a real filter. */
const MAX_DEPTH = 6;

export type ParsedScopes = { scopes: KnowledgeScope[]; problems: string[] };

/** Checks the file's JSON. `problems` is empty when every entry is usable. */
export function parseKnowledgeScopes(json: unknown): ParsedScopes {
  const problems: string[] = [];
  if (!isObject(json) || !Array.isArray(json.scopes)) return { scopes: [], problems: ['the file must be a JSON object with a "scopes" array'] };
  for (const key of Object.keys(json)) if (key !== 'scopes') problems.push(`unknown top-level field "${key}"`);
  const scopes: KnowledgeScope[] = [];
  const owners = new Map<string, string>();
  json.scopes.forEach((entry: unknown, index: number) => {
    const label = isObject(entry) && typeof entry.name === 'string' && entry.name.trim() ? `scopes[${index}] ("${entry.name.trim()}")` : `scopes[${index}]`;
    const problem = (field: string, text: string): void => void problems.push(`${label} field "${field}": ${text}`);
    if (!isObject(entry)) {
      problems.push(`${label}: must be an object`);
      return;
    }
    for (const key of Object.keys(entry)) if (!SCOPE_KEYS.has(key)) problem(key, 'unknown field');
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    if (!name) problem('name', 'must be a non-empty string');
    else if (name.length > 80) problem('name', 'must be at most 80 characters (it is shown on every card)');
    if (entry.attributeFilter === undefined) problem('attributeFilter', 'is required');
    else checkFilter(entry.attributeFilter, 'attributeFilter', problem, 0);
    if (entry.everyoneMaySee !== undefined && typeof entry.everyoneMaySee !== 'boolean') problem('everyoneMaySee', 'must be true or false');
    const ids: Record<'teams' | 'channels' | 'chats', string[]> = { teams: [], channels: [], chats: [] };
    for (const field of ['teams', 'channels', 'chats'] as const) {
      const value = entry[field];
      if (value === undefined) continue;
      if (!Array.isArray(value) || value.some((id) => typeof id !== 'string' || !id.trim())) {
        problem(field, 'must be an array of non-empty id strings');
        continue;
      }
      for (const id of value as string[]) {
        const owner = owners.get(`${field}:${id}`);
        if (owner) problem(field, `"${id}" is already listed by ${owner}; each id may belong to one scope`);
        else owners.set(`${field}:${id}`, label);
        if (field === 'channels' && !/^19:/.test(id)) problem(field, `"${id}" is not a Teams channel id (channelData.channel.id starts with "19:")`);
        if (field === 'teams' && !/^19:/.test(id)) problem(field, `"${id}" is not a Teams team id (channelData.team.id starts with "19:")`);
        if (field === 'channels' && id.includes(';messageid=')) problem(field, `"${id}" is a thread id; list the channel id without ";messageid=…"`);
      }
      ids[field] = value as string[];
    }
    if (ids.teams.length + ids.channels.length + ids.chats.length === 0) problem('teams', 'the scope lists no team, channel or chat, so it would never apply');
    let experts: { teamId: string; channelId: string } | undefined;
    if (entry.experts !== undefined) {
      const value = entry.experts;
      const valid = isObject(value) && Object.keys(value).every((key) => key === 'team' || key === 'channel') && typeof value.team === 'string' && /^19:\S+$/.test(value.team) && typeof value.channel === 'string' && /^19:\S+$/.test(value.channel) && !value.channel.includes(';messageid=');
      if (valid) experts = { teamId: value.team as string, channelId: value.channel as string };
      else problem('experts', 'must be {"team": "<team id, 19:…>", "channel": "<channel id, 19:…>"}');
    }
    scopes.push({ name, attributeFilter: entry.attributeFilter as AttributeFilter, everyoneMaySee: entry.everyoneMaySee === true, ...ids, ...(experts ? { experts } : {}) });
  });
  return { scopes: problems.length === 0 ? scopes : [], problems };
}

function checkFilter(filter: unknown, path: string, problem: (field: string, text: string) => void, depth: number): void {
  if (!isObject(filter)) return problem(path, 'must be an object in Q’s AttributeFilter shape');
  if (depth > MAX_DEPTH) return problem(path, `nests deeper than ${MAX_DEPTH} levels`);
  const keys = Object.keys(filter);
  if (keys.length !== 1) return problem(path, `must have exactly one of ${[...FILTER_KEYS].join(', ')}; has ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const key = keys[0] as string;
  const value = filter[key];
  if (!FILTER_KEYS.has(key)) return problem(`${path}.${key}`, 'is not an AttributeFilter operator');
  if ((NESTED as readonly string[]).includes(key)) {
    if (!Array.isArray(value) || value.length === 0) return problem(`${path}.${key}`, 'must be a non-empty array of filters');
    value.forEach((inner, index) => checkFilter(inner, `${path}.${key}[${index}]`, problem, depth + 1));
    return;
  }
  if (key === 'notFilter') return checkFilter(value, `${path}.notFilter`, problem, depth + 1);
  checkAttribute(value, `${path}.${key}`, problem);
}

function checkAttribute(attribute: unknown, path: string, problem: (field: string, text: string) => void): void {
  if (!isObject(attribute)) return problem(path, 'must be {"name": …, "value": {…}}');
  if (typeof attribute.name !== 'string' || !/^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,199}$/.test(attribute.name)) problem(`${path}.name`, 'must be a document attribute name (letters, digits, _ and -)');
  const value = attribute.value;
  if (!isObject(value)) return problem(`${path}.value`, 'must be an object with one of stringValue, stringListValue, longValue, dateValue');
  const keys = Object.keys(value);
  if (keys.length !== 1 || !VALUE_KEYS.has(keys[0] as string)) return problem(`${path}.value`, 'must have exactly one of stringValue, stringListValue, longValue, dateValue');
  const [kind] = keys;
  const inner = value[kind as string];
  const ok =
    kind === 'stringValue' ? typeof inner === 'string'
    : kind === 'stringListValue' ? Array.isArray(inner) && inner.length > 0 && inner.every((item) => typeof item === 'string')
    : kind === 'longValue' ? Number.isInteger(inner)
    : typeof inner === 'string' && !Number.isNaN(Date.parse(inner));
  if (!ok) problem(`${path}.value.${kind}`, kind === 'dateValue' ? 'must be an ISO 8601 date-time' : kind === 'longValue' ? 'must be a whole number' : kind === 'stringListValue' ? 'must be a non-empty array of strings' : 'must be a string');
}

/** Every attribute name a filter compares, for the doctor's check against Q's data sources. */
export function attributeNames(filter: AttributeFilter): string[] {
  const names: string[] = [];
  const walk = (node: AttributeFilter): void => {
    for (const key of NESTED) node[key]?.forEach(walk);
    if (node.notFilter) walk(node.notFilter);
    for (const key of COMPARISONS) if (node[key]) names.push((node[key] as DocumentAttribute).name);
  };
  walk(filter);
  return [...new Set(names)];
}

/** The scope of a space: its chat, else its channel, else its team (the most specific wins). */
export function scopeFor(scopes: readonly KnowledgeScope[], space: SpaceIds): KnowledgeScope | undefined {
  return (
    scopes.find((scope) => scope.chats.includes(space.conversationId)) ??
    (space.channelId ? scopes.find((scope) => scope.channels.includes(space.channelId as string)) : undefined) ??
    (space.teamId ? scopes.find((scope) => scope.teams.includes(space.teamId as string)) : undefined)
  );
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
