/**
 * The answer loop through public surfaces: Teams activities posted to /api/messages, cards
 * observed at the connector, and the requests that reached the local Q Business service.
 */
import assert from 'node:assert/strict';
import { actionsOf, cardOf, cardTexts, idcUserIdOf, suiteStack } from '../helpers/stack';
import { ADA, botInstalled, GRACE, message, personalConversationId, submit } from '../helpers/teamsActivities';

describe('answer loop (bot process + local Q Business + fake connector)', () => {
  // Each test starts with a fresh Q conversation for Ada.
  const stack = suiteStack([ADA, GRACE], { freshConversationFor: ADA });

  async function ask(text: string, user = ADA): Promise<Record<string, any>> {
    const before = stack.connector.messages(personalConversationId(user)).length;
    const response = await stack.post(message(stack.serviceUrl, user, text));
    assert.equal(response.status, 200);
    const sent = await stack.connector.waitFor('a reply', () => stack.connector.messages(personalConversationId(user))[before]);
    return cardOf(sent);
  }

  it('answers with a cited card, labelled as AI generated', async () => {
    const card = await ask('How do I reset my VPN token?');
    const texts = cardTexts(card).join('\n');
    assert.match(texts, /Reset token/);
    assert.match(texts, /\[1\]/, 'inline citation marker');
    assert.match(texts, /\*\*Sources\*\*/);
    assert.match(texts, /1\. \[Resetting your VPN token\]\(https:\/\/intranet\.example\.com\/it\/vpn\/reset-token\)/);
    assert.match(texts, /Updated 2026-09-14/);
    assert.deepEqual(actionsOf(card).map((action) => action.title), ['👍 Helpful', '👎 Not helpful', 'New conversation']);

    assert.equal(stack.connector.sent.filter((activity) => activity.body.type === 'typing').length, 0, 'a fast answer needs no typing indicator');
    const answer = stack.connector.messages()[0];
    assert.deepEqual(answer?.body.entities?.[0]?.additionalType, ['AIGeneratedContent']);

    const calls = stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
    assert.equal(calls.length, 1);
    assert.equal((calls[0]?.body as Record<string, unknown>).userMessage, 'How do I reset my VPN token?');
    assert.equal(calls[0]?.principal, idcUserIdOf(ADA), "signed with Ada's identity-aware credentials");
  });

  it('shows typing while Q is slow, and the answer after it', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', latencyMs: 1500, count: 1 });
    await ask('How do I reset my VPN token?');
    const kinds = stack.connector.sent.map((activity) => activity.body.type);
    assert.equal(kinds[0], 'typing');
    assert.equal(kinds.at(-1), 'message', 'no typing indicator after the answer');
  });

  it('renders markdown for Teams: headings bold, tables as Table, code as CodeBlock, nothing raw', async () => {
    const card = await ask('What are the daily allowances for hotels and meals?');
    const json = JSON.stringify(card);
    assert.match(json, /"type":"Table"/);
    const texts = cardTexts(card);
    assert.ok(texts.some((text) => text === '**Daily allowances**'));
    for (const text of texts) assert.doesNotMatch(text, /^#{1,6} |^\||```/m, `raw markdown in "${text}"`);

    const code = await ask('How do I reset the token from the command line?');
    const codeBlock = JSON.stringify(code).match(/"type":"CodeBlock","codeSnippet":"([^"]+)"/);
    assert.ok(codeBlock, 'a CodeBlock element');
    assert.match(codeBlock[1] as string, /corp-cli vpn token reset/);
  });

  it('continues the Q conversation for follow-ups and starts a new one after /new', async () => {
    await ask('How many days of annual leave do I get?');
    await ask('Can I carry unused days over?');
    const [first, second] = stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.body as Record<string, string>);
    assert.equal(first?.conversationId, undefined);
    const conversation = [...stack.q.state.conversations.values()][0];
    assert.equal(second?.conversationId, conversation?.conversationId);
    assert.equal(second?.parentMessageId, conversation?.messages[1]?.messageId, 'parent = last system message');

    const response = await stack.post(message(stack.serviceUrl, ADA, '/new'));
    assert.equal(response.status, 200);
    const confirmation = await stack.connector.waitFor('new conversation card', () => stack.connector.messages()[2]);
    assert.match(cardTexts(cardOf(confirmation)).join(' '), /Started a new conversation/);
    await ask('How do I report phishing?');
    const third = stack.q.state.calls.filter((call) => call.operation === 'ChatSync')[2]?.body as Record<string, string>;
    assert.equal(third.conversationId, undefined);
  });

  it('keeps each user in their own Q conversation', async () => {
    await ask('How do I report phishing?', ADA);
    await ask('How do I get guest Wi-Fi?', GRACE);
    await ask('What if I clicked a link?', ADA);
    const calls = stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.body as Record<string, string>);
    assert.equal(calls[1]?.conversationId, undefined, "Grace's first question starts her own conversation");
    assert.deepEqual(
      stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.principal),
      [idcUserIdOf(ADA), idcUserIdOf(GRACE), idcUserIdOf(ADA)],
    );
    assert.ok(calls[2]?.conversationId, "Ada's follow-up continues hers");
    assert.equal(stack.q.state.conversations.get(calls[2]?.conversationId as string)?.messages[0]?.body, 'How do I report phishing?');
  });

  it('starts a new conversation transparently when Q no longer has the old one, and says so', async () => {
    await ask('How do I report phishing?');
    await fetch(`${stack.q.url}/_local/expire-conversations`, { method: 'POST' });
    const card = await ask('What if I clicked a link?');
    assert.match(cardTexts(card)[0] as string, /previous conversation had expired/);
    const calls = stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
    assert.equal(calls.length, 3, 'original, refused follow-up, retried fresh');
    assert.equal((calls[2]?.body as Record<string, unknown>).conversationId, undefined);
  });

  it('refuses questions over 7,000 characters before calling Q, and says the limit', async () => {
    const card = await ask('x'.repeat(7001));
    assert.match(cardTexts(card).join(' '), /up to 7,000 characters; yours has 7,001/);
    assert.equal(stack.q.state.calls.length, 0);
  });

  it('lets the SDK retry a throttled call before giving up', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ThrottlingException', count: 1 });
    const card = await ask('How do I reset my VPN token?');
    assert.match(cardTexts(card).join(' '), /Sources/);
    const attempts = stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
    assert.deepEqual(attempts.map((call) => call.faultInjected ?? 'ok'), ['ThrottlingException', 'ok']);
  });

  it('shows "busy" with a working Try again button when throttling persists', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ThrottlingException', count: 3 });
    const card = await ask('How do I reset my VPN token?');
    assert.match(cardTexts(card).join(' '), /Amazon Q Business is busy/);
    assert.match(cardTexts(card).join(' '), /Request ID for your admin: [0-9a-f-]{36}/);
    const retry = actionsOf(card).find((action) => action.title === 'Try again');
    assert.ok(retry, 'retry button');
    assert.doesNotMatch(JSON.stringify(retry), /VPN/, 'the question is not carried in the card');

    const errorMessage = stack.connector.messages()[0];
    await stack.post(submit(stack.serviceUrl, ADA, 'sent-1', retry.data));
    const answer = await stack.connector.waitFor('retried answer', () => stack.connector.messages()[1]);
    assert.match(cardTexts(cardOf(answer)).join(' '), /Sources/);
    assert.ok(errorMessage);
    const last = stack.q.state.calls.at(-1);
    assert.equal((last?.body as Record<string, unknown>).userMessage, 'How do I reset my VPN token?');
    assert.equal(last?.faultInjected, undefined);
  });

  const failures: Array<[string, string, RegExp]> = [
    ['AccessDeniedException', 'You don’t have access', /admin to give your account access/],
    ['LicenseNotFoundException', 'No Amazon Q Business subscription', /subscribe you/],
    ['InternalServerException', 'Something went wrong', /Request ID for your admin/],
  ];
  for (const [error, title, advice] of failures) {
    it(`turns ${error} into a card that says what to do`, async () => {
      stack.q.state.addFault({ operation: 'ChatSync', error, count: 3 });
      const card = await ask('How do I reset my VPN token?');
      const texts = cardTexts(card).join('\n');
      assert.match(texts, new RegExp(title));
      assert.match(texts, advice);
      assert.doesNotMatch(texts, /at \w+ \(|Error:/, 'no stack trace');
    });
  }

  it('handles an empty answer with a clear card', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', response: 'emptyAnswer', count: 1 });
    assert.match(cardTexts(await ask('Anything?')).join(' '), /empty answer/);
  });

  it('says plainly when the documents do not cover a question (Q answers with no sources)', async () => {
    const card = await ask('Who won the 1998 football world cup?');
    const texts = cardTexts(card).join('\n');
    assert.match(texts, /documents don’t cover this/);
    assert.doesNotMatch(texts, /Sources|\[1\]/);
    const chat = stack.q.state.calls.find((call) => call.operation === 'ChatSync');
    assert.equal(chat?.faultInjected, undefined, 'a real no-answer from the local Q, not an injected one');
  });

  it('welcomes on install and answers help', async () => {
    const install = await stack.post(botInstalled(stack.serviceUrl, ADA));
    assert.equal(install.status, 200);
    const welcome = await stack.connector.waitFor('welcome card', () => stack.connector.messages()[0]);
    assert.match(cardTexts(cardOf(welcome)).join(' '), /answer questions from your company knowledge/);
    const help = await ask('help');
    assert.match(cardTexts(help).join(' '), /\/new\*\* starts a new conversation/);
    assert.equal(stack.q.state.calls.length, 0);
  });

  it('rejects a malformed activity with 400 and keeps serving', async () => {
    const response = await fetch(`${stack.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' });
    assert.equal(response.status, 400);
    const noType = await stack.post({ text: 'no type or conversation' });
    assert.equal(noType.status, 400);
    assert.match(noType.body.reason, /type is missing/);
    assert.match(noType.body.reason, /conversation must be an object/);
    const card = await ask('How do I reset my VPN token?');
    assert.match(cardTexts(card).join(' '), /Sources/);
  });

  it('never logs question or answer text', async () => {
    await ask('How do I reset my VPN token?');
    const logs = stack.bot.logs.join('\n');
    assert.match(logs, /"msg":"answered"/);
    assert.match(logs, /"awsRequestId":"[0-9a-f-]{36}"/, 'AWS request id correlated with the activity');
    assert.doesNotMatch(logs, /reset my VPN/);
    assert.doesNotMatch(logs, /authenticator app/);
    assert.doesNotMatch(logs, /local-test-secret-not-real/);
  });
});
