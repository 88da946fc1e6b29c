/**
 * Malformed and hostile inbound requests for the front door: wrong types, missing fields, bad
 * serviceUrls, bodies that are not activities, oversize input, unicode edge cases, garbage invokes
 * and lists. `refused` cases must get a 4xx and reach nothing; `tolerated` ones may be processed,
 * but never with a 5xx or a failed turn.
 */
import { gzipSync } from 'node:zlib';
import { ADA, message } from './teamsActivities';

export interface HostileCase {
  name: string;
  expect: 'refused' | 'tolerated';
  /** A JSON activity, or a raw body with its headers. */
  activity?: Record<string, unknown>;
  raw?: { body: string | Buffer; headers: Record<string, string> };
}

const WRONG_VALUES: unknown[] = [123, {}, [], true];

function setPath(target: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(target)) as Record<string, any>;
  const parts = path.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part];
  }
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

export function hostileCorpus(serviceUrl: string): HostileCase[] {
  const base = message(serviceUrl, ADA, 'hello there');
  const cases: HostileCase[] = [];
  const refused = (name: string, activity: Record<string, unknown>): void => void cases.push({ name, expect: 'refused', activity });
  const tolerated = (name: string, activity: Record<string, unknown>): void => void cases.push({ name, expect: 'tolerated', activity });

  for (const field of ['type', 'channelId', 'serviceUrl', 'from', 'recipient', 'conversation', 'from.id', 'recipient.id', 'conversation.id']) refused(`missing ${field}`, setPath(base, field, undefined));
  const typedFields = ['type', 'channelId', 'serviceUrl', 'id', 'locale', 'timestamp', 'textFormat', 'replyToId', 'text', 'name', 'from.id', 'from.name', 'from.aadObjectId', 'recipient.id', 'conversation.id', 'conversation.tenantId', 'conversation.conversationType', 'channelData.tenant.id'];
  for (const field of typedFields) for (const value of WRONG_VALUES) refused(`${field} = ${JSON.stringify(value)}`, setPath(base, field, value));
  for (const value of [123, 'x', [], true]) {
    refused(`from = ${JSON.stringify(value)}`, setPath(base, 'from', value));
    refused(`conversation = ${JSON.stringify(value)}`, setPath(base, 'conversation', value));
    refused(`channelData = ${JSON.stringify(value)}`, setPath(base, 'channelData', value));
  }
  refused('channelData.tenant = 42', setPath(base, 'channelData.tenant', 42));
  for (const url of ['not a url', 'file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/', 'http://example.com/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'https://user:pass@example.com/', 'data:text/html,<script>x</script>', '', '   ', 'gopher://127.0.0.1:25/']) {
    refused(`serviceUrl ${JSON.stringify(url)}`, setPath(base, 'serviceUrl', url));
  }
  refused('invoke without a name', { ...base, type: 'invoke', text: undefined });
  refused('invoke named 42', { ...base, type: 'invoke', name: 42 });
  refused('oversize text', setPath(base, 'text', 'x'.repeat(200_000)));
  refused('oversize id', setPath(base, 'id', 'i'.repeat(5000)));
  refused('empty type', setPath(base, 'type', ''));

  const body = (name: string, raw: string | Buffer, headers: Record<string, string> = {}): void =>
    void cases.push({ name, expect: 'refused', raw: { body: raw, headers: { 'content-type': 'application/json', ...headers } } });
  body('not JSON', '{"type": "message", ');
  body('JSON array', '[]');
  body('JSON null', 'null');
  body('JSON number', '42');
  body('JSON string', '"message"');
  body('empty body', '');
  body('byte-order mark', `\ufeff${JSON.stringify(base)}`);
  body('gzip header, not gzip', 'not gzip at all', { 'content-encoding': 'gzip' });
  body('deflate header, not deflate', 'not deflate', { 'content-encoding': 'deflate' });
  body('brotli header, not brotli', 'not brotli', { 'content-encoding': 'br' });
  body('unknown encoding', JSON.stringify(base), { 'content-encoding': 'compress' });
  body('gzip of not JSON', gzipSync('<<<>>>'), { 'content-encoding': 'gzip' });
  body('gzip bomb', gzipSync(Buffer.alloc(20 * 1024 * 1024, 32)), { 'content-encoding': 'gzip' });
  body('text/plain', JSON.stringify(base), { 'content-type': 'text/plain' });
  body('form encoded', 'type=message', { 'content-type': 'application/x-www-form-urlencoded' });
  body('no content type', JSON.stringify(base), { 'content-type': '' });
  body('2 MB body', JSON.stringify({ ...base, padding: 'p'.repeat(2 * 1024 * 1024) }));
  body('deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  body('invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
  body('truncated unicode escape', '{"type":"message","text":"\\ud8"}');

  // Tolerated: well-formed enough to process, odd in content.
  for (const text of ['🙂🙃'.repeat(500), '\u202eevil\u202c', 'zero\u200bwidth\u200djoin', '\u0000nul', 'e\u0301'.repeat(3000), 'ＡＳＣＩＩ　ｆｕｌｌ', '<at>Q Business</at>', '<script>alert(1)</script>', '\ud800 lone surrogate', '   ', '/new', 'help', '${jndi:ldap://x}', '%s%s%n', '\r\n\r\nHTTP/1.1 200 OK']) {
    tolerated(`text ${JSON.stringify(text.slice(0, 12))}`, setPath(base, 'text', text));
  }
  for (const entities of ['x', [null], [{ type: 'mention' }], [{}], 42, [{ type: 'mention', mentioned: {} }], [{ type: 'mention', mentioned: { id: 5 }, text: 1 }], [{ type: 'clientInfo', locale: 5 }]]) {
    tolerated(`entities ${JSON.stringify(entities)}`, { ...base, entities });
  }
  for (const attachments of [[null], 'x', [{ contentType: 5 }], [{}], [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'a.txt', content: { downloadUrl: 'http://169.254.169.254/latest/meta-data/' } }], [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'a.txt', content: { downloadUrl: 'file:///etc/passwd' } }], [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'a.txt', content: { downloadUrl: 'https://attacker.example/a.txt' } }], [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 5 }]]) {
    tolerated(`attachments ${JSON.stringify(attachments).slice(0, 60)}`, { ...base, attachments });
  }
  const update = { ...base, type: 'conversationUpdate', text: undefined };
  for (const members of [[null], 'x', [{}], [{ id: 5 }], 7]) {
    tolerated(`membersAdded ${JSON.stringify(members)}`, { ...update, membersAdded: members });
    tolerated(`membersRemoved ${JSON.stringify(members)}`, { ...update, membersRemoved: members });
  }
  for (const type of ['foo', 'event', 'messageReaction', 'installationUpdate', 'typing', 'endOfConversation', 'messageUpdate', 'messageDelete', 'trace', 'handoff', 'x'.repeat(500)]) {
    tolerated(`type ${type.slice(0, 20)}`, { ...base, type });
  }
  for (const name of ['foo/bar', 'composeExtension/query', 'task/fetch', 'config/fetch', 'tab/fetch', 'fileConsent/invoke', 'message/submitAction', 'healthCheck', 'actionableMessage/executeAction', 'signin/failure', 'handoff/action', 'application/search', 'adaptiveCard/action', '../../etc/passwd']) {
    tolerated(`invoke ${name}`, { ...base, type: 'invoke', name, text: undefined });
  }
  for (const value of [undefined, 'x', [], { action: {} }, { action: { verb: 5 } }, { action: { type: 'Action.Execute', verb: 'nope', data: 'x' } }, { action: { type: 'Action.Execute', verb: 'feedback', data: null } }]) {
    tolerated(`adaptiveCard/action value ${JSON.stringify(value)}`, { ...base, type: 'invoke', name: 'adaptiveCard/action', text: undefined, value, replyToId: 'sent-1' });
  }
  for (const value of ['x', [], { verb: 5 }, { verb: 'retryQuestion', retryKey: {} }, { verb: 'signInDirect', pendingKey: [] }, { verb: 'feedbackUseful', answerKey: 5 }]) {
    tolerated(`submit value ${JSON.stringify(value)}`, { ...base, text: undefined, value, replyToId: 'sent-1' });
  }
  for (const [name, value] of [['signin/tokenExchange', 'x'], ['signin/tokenExchange', { token: 5 }], ['signin/tokenExchange', { id: 'a', token: 'not.a.jwt' }], ['signin/verifyState', {}], ['signin/verifyState', { state: 42 }]] as const) {
    tolerated(`${name} ${JSON.stringify(value)}`, { ...base, type: 'invoke', name, text: undefined, value });
  }
  tolerated('locale not a locale', setPath(base, 'locale', 'xx-INVALID-🙂'));
  tolerated('timestamp not a time', setPath(base, 'timestamp', 'yesterday'));
  tolerated('null text', setPath(base, 'text', null));
  tolerated('unknown top-level fields', { ...base, __proto__x: { polluted: true }, constructor: { prototype: { polluted: true } } });
  tolerated('messageUpdate with eventType 5', { ...setPath(base, 'channelData.eventType', 'editMessage'), type: 'messageUpdate' });
  return cases;
}
