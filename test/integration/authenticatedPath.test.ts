/**
 * The bot with its Bot Framework identity (BOT_ID), offline: inbound channel tokens validated by
 * botbuilder against the local Bot Framework token service, replies carrying the bot's own bearer
 * (MSAL client credentials over HTTPS with a test CA) that the local connector checks. Forged
 * tokens are refused with 401, nothing processed; the signing keys are not refetched per request.
 */
import assert from 'node:assert/strict';
import { forgedAuthorizations } from '../helpers/forgedTokens';
import { cardTexts, nextLog, startAuthenticatedStack, TEST_BOT_PASSWORD, type AuthenticatedStack } from '../helpers/stack';
import { ADA, message } from '../helpers/teamsActivities';

describe('authenticated Bot Framework path (BOT_ID, local token service)', () => {
  let stack: AuthenticatedStack;
  before(async () => {
    stack = await startAuthenticatedStack();
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(() => stack.connector.clear());

  it('names the botbuilder settings it was given in one start-up line', () => {
    const lines = stack.bot.logs.filter((line) => line.includes('botbuilder authentication settings from the environment'));
    assert.equal(lines.length, 1);
    assert.match(lines[0] as string, /ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer, ToChannelFromBotLoginUrl, ToChannelFromBotOAuthScope, OAuthUrl/);
  });

  it('accepts a valid channel token and replies with a bearer the connector accepts', async () => {
    const response = await stack.post(message(stack.serviceUrl, ADA, 'help'));
    assert.equal(response.status, 200);
    const reply = await stack.connector.waitFor('the help card', () => stack.connector.messages()[0]);
    assert.match(cardTexts(reply.body.attachments[0].content).join(' '), /\/new/);
    assert.equal(stack.connector.unauthorized, 0, 'every outbound call carried a valid bearer');
    assert.ok(stack.botFramework.tokensIssued >= 1, 'the bearer came from the local token endpoint');
  });

  it('refuses every forged, expired, misdirected or missing token with 401, processing nothing', async () => {
    const activity = message(stack.serviceUrl, ADA, 'How do I reset my VPN token?');
    const cases = await forgedAuthorizations(stack.botFramework, stack.serviceUrl, TEST_BOT_PASSWORD);
    const logStart = stack.bot.logs.length;
    for (const [name, authorization] of cases) {
      const response = await stack.postWith(activity, authorization);
      assert.equal(response.status, 401, `${name}: ${JSON.stringify(response.body)}`);
      assert.deepEqual(response.body, { error: 'Unauthorized' }, `${name}: the answer says nothing more`);
    }
    const refusalLines = () => stack.bot.logs.slice(logStart).map((line) => JSON.parse(line) as Record<string, any>).filter((line) => line.event === 'requestRefused' && line.status === 401 && typeof line.reason === 'string');
    // Log lines arrive through a pipe: wait for them rather than race them.
    for (let waited = 0; refusalLines().length < cases.length && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const refusals = refusalLines();
    assert.equal(refusals.length, cases.length, 'one line with the reason per refusal');
    const logged = stack.bot.logs.slice(logStart).join('\n');
    for (const [, authorization] of cases) {
      const token = authorization?.split(' ')[1];
      if (token && token.length > 20) assert.equal(logged.includes(token), false, 'no token in the logs');
    }
    assert.doesNotMatch(logged, /\n\s+at /, 'no stack traces');
    if (process.env.SHOW_REFUSALS) refusals.forEach((line) => process.stdout.write(`${line.status} ${line.reason}\n`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(stack.connector.sent.length, 0, 'nothing reached the connector');
    assert.equal(stack.q.state.calls.length, 0, 'nothing reached AWS');
  });

  it('a flood of forged tokens does not refetch the signing keys', async () => {
    await stack.post(message(stack.serviceUrl, ADA, 'help'));
    const before = stack.botFramework.metadataFetches;
    const forged = await forgedAuthorizations(stack.botFramework, stack.serviceUrl, TEST_BOT_PASSWORD);
    const flood = Array.from({ length: 100 }, (_, index) => forged[index % forged.length]?.[1]);
    const statuses = await Promise.all(flood.map((authorization) => stack.postWith(message(stack.serviceUrl, ADA, 'hi'), authorization).then((response) => response.status)));
    assert.deepEqual([...new Set(statuses)], [401]);
    assert.equal(stack.botFramework.metadataFetches, before, 'no metadata fetch for any forged token');
  });

  it('keeps working on cached keys while the metadata is unreachable', async () => {
    await stack.post(message(stack.serviceUrl, ADA, 'help'));
    stack.botFramework.metadataFault = 'error';
    try {
      const response = await stack.post(message(stack.serviceUrl, ADA, 'help'));
      assert.equal(response.status, 200);
      await stack.connector.waitFor('the help card', () => stack.connector.messages().length >= 2);
    } finally {
      stack.botFramework.metadataFault = 'none';
    }
  });

  it('refuses a valid token for an activity from a tenant the bot does not serve with 403', async () => {
    const foreign = message(stack.serviceUrl, ADA, 'help');
    const otherTenant = '11111111-2222-4333-8444-555555555555';
    foreign.conversation = { ...(foreign.conversation as object), tenantId: otherTenant };
    foreign.channelData = { tenant: { id: otherTenant } };
    const response = await stack.post(foreign);
    assert.equal(response.status, 403);
    // Log lines reach the test through a pipe: wait for the refusal's line rather than race it.
    await nextLog(stack.bot.logs, new RegExp(`"status":403.*${otherTenant}|${otherTenant}.*"status":403`), 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(stack.connector.sent.length, 0);
  });
});

describe('authenticated path with the signing keys unreachable from the start', () => {
  let stack: AuthenticatedStack;
  before(async () => {
    stack = await startAuthenticatedStack();
    stack.botFramework.metadataFault = 'error';
  });
  after(async () => {
    await stack?.stop();
  });

  it('fails closed with 503 and one clear log line, without refetching per request', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await stack.post(message(stack.serviceUrl, ADA, 'help'))).status);
    assert.deepEqual([...new Set(statuses)], [503]);
    assert.equal(stack.botFramework.metadataFetches, 1, 'one attempt, then refusals from the back-off');
    assert.equal(stack.bot.logs.filter((line) => line.includes('Bot Framework OpenID metadata unreachable')).length, 1);
    assert.equal(stack.connector.sent.length, 0);
  });
});
