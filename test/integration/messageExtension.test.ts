/**
 * The message extension through the bot's public surface: Teams-shaped `composeExtension/query`,
 * `fetchTask` and `submitAction` invokes in; the invoke responses, the AWS calls the local
 * services record, and the cards' votes (Action.Execute on an inserted card) checked. Sign-in:
 * stored session, silentAuth then the token, a reused token, a foreign token. Typing: keystrokes
 * never reach Q one by one. A slow Q: a working item, then the answer from the cache.
 */
import assert from 'node:assert/strict';
import { idcUserIdOf, nextLog, startAuthenticatedStack, startStack, type Stack } from '../helpers/stack';
import { schemaErrors } from '../helpers/cardValidation';
import { ADA, composeExtension, execute, GRACE, GROUP_CHAT, LINUS, message, searchQuery, teamsUser } from '../helpers/teamsActivities';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const QUESTION = 'How do I reset my VPN token?';
const ME_CARD_LIMIT_UTF16_BYTES = 28 * 1024;

type Body = Record<string, any>;
const attachmentsOf = (body: Body): Body[] => body.composeExtension?.attachments ?? [];
const textOfCard = (card: unknown): string => JSON.stringify(card);

function onlyItem(response: { status: number; body: Body }): Body {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.composeExtension.type, 'result');
  const [item, ...rest] = attachmentsOf(response.body);
  assert.equal(rest.length, 0);
  assert.equal(item?.contentType, ADAPTIVE);
  return item as Body;
}

describe('message extension: Ask Q from the compose box and a message’s menu', function () {
  this.timeout(60000);
  let stack: Stack;
  const alan = teamsUser('Alan Turing');
  const katherine = teamsUser('Katherine Johnson');
  const chats = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
  const calls = (operation: string) => stack.q.state.calls.filter((call) => call.operation === operation);

  before(async () => {
    stack = await startStack({ BOT_ENDPOINT: 'http://127.0.0.1:3978' });
    for (const person of [ADA, GRACE]) await stack.signIn(person);
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.connector.clear();
    stack.q.state.reset();
  });

  it('search with a stored session: one Q call as the person, the cited answer card (valid, ≤ 28 KB, asker-only votes) with a preview', async () => {
    const item = onlyItem(await stack.post(searchQuery(stack.serviceUrl, ADA, QUESTION)));
    assert.deepEqual(chats().map((call) => [call.principal, (call.body as Body).userMessage]), [[idcUserIdOf(ADA), QUESTION]]);
    const card = item.content;
    assert.deepEqual(schemaErrors(card), []);
    assert.ok(JSON.stringify(card).length * 2 <= ME_CARD_LIMIT_UTF16_BYTES);
    assert.match(textOfCard(card), /Answer for \*\*Ada Lovelace\*\*/);
    assert.match(textOfCard(card), /\*\*Sources\*\*/);
    assert.deepEqual(card.refresh.userIds, [ADA.id], 'the asker gets the rating view');
    assert.deepEqual(card.actions.map((action: Body) => action.verb), ['answer.refresh'], 'everyone: no vote controls, only the manual refresh for clients that don’t refresh');
    assert.equal(item.preview.content.title, QUESTION);
    assert.ok(item.preview.content.text.length > 20);
    assert.equal(stack.connector.sent.length, 0, 'nothing posted into the chat: the person inserts the card');
  });

  it('20 queries typed character by character reach Q at most once; earlier ones say "keep typing"', async () => {
    const question = 'Who approves travel?';
    assert.equal(question.length, 20);
    const replies: Array<Promise<{ status: number; body: Body }>> = [];
    for (let length = 1; length <= question.length; length += 1) {
      replies.push(stack.post(searchQuery(stack.serviceUrl, ADA, question.slice(0, length))));
      // Typing speed: keystrokes well inside the pause that ends a question.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const settled = await Promise.all(replies);
    assert.ok(settled.every((reply) => reply.status === 200));
    assert.equal(chats().length, 1);
    assert.equal((chats()[0]?.body as Body).userMessage, question);
    assert.equal(attachmentsOf(settled[19]!.body)[0]?.preview.content.title, question);
    assert.ok(settled.slice(0, 19).every((reply) => attachmentsOf(reply.body)[0]?.preview.content.title === 'Keep typing…'));
  });

  it('Q slower than Teams waits: a working item within the budget, then the same question answered from the cache', async () => {
    stack.q.state.addFault({ operation: 'ChatSync', latencyMs: 6000, count: 1 });
    const question = 'What is the travel policy?';
    const first = onlyItem(await stack.post(searchQuery(stack.serviceUrl, GRACE, question)));
    assert.match(first.preview.content.title, /Still working/);
    const logsBefore = stack.bot.logs.length;
    // Q's late answer lands in the cache (the local Q's fault delay, not a sleep here).
    await nextLog(stack.bot.logs, /"feature":"messageExtension".*"event":"qAnswered","kind":"answer"/, logsBefore, 15000);
    const second = onlyItem(await stack.post(searchQuery(stack.serviceUrl, GRACE, `${question} `)));
    assert.equal(second.preview.content.title, `${question} `.trim());
    assert.match(textOfCard(second.content), /Answer for \*\*Grace Hopper\*\*/);
    assert.equal(chats().length, 1, 'the answer came from the cache');
    await nextLog(stack.bot.logs, /"outcome":"answerFromCache"/, logsBefore);
  });

  it('two people at once: each answer made with their own identity', async () => {
    const [ada, grace] = await Promise.all([
      stack.post(searchQuery(stack.serviceUrl, ADA, 'How do I set up the VPN on a new laptop?')),
      stack.post(searchQuery(stack.serviceUrl, GRACE, 'How do I set up the VPN on a new laptop?')),
    ]);
    assert.match(textOfCard(onlyItem(ada).content), /Ada Lovelace/);
    assert.match(textOfCard(onlyItem(grace).content), /Grace Hopper/);
    assert.deepEqual(chats().map((call) => call.principal).sort(), [idcUserIdOf(ADA), idcUserIdOf(GRACE)].sort());
  });

  it('no session: silentAuth with the bot’s sign-in page, then the token Teams sends signs the person in and answers as them', async () => {
    const first = await stack.post(searchQuery(stack.serviceUrl, alan, QUESTION));
    assert.equal(first.status, 200);
    assert.equal(first.body.composeExtension.type, 'silentAuth');
    assert.equal(first.body.composeExtension.suggestedActions.actions[0].value, 'http://127.0.0.1:3978/auth-start.html');
    assert.equal(chats().length, 0);

    const token = await stack.mintToken({ aadObjectId: alan.aadObjectId });
    const item = onlyItem(await stack.post(searchQuery(stack.serviceUrl, alan, QUESTION, { token })));
    assert.match(textOfCard(item.content), /Answer for \*\*Alan Turing\*\*/);
    assert.deepEqual(chats().map((call) => call.principal), [idcUserIdOf(alan)]);
    assert.equal(calls('CreateTokenWithIAM').length, 1);

    // Teams resends its cached token with later queries: the stored session is used, the token is not exchanged again.
    onlyItem(await stack.post(searchQuery(stack.serviceUrl, alan, 'Who approves a new laptop?', { token })));
    assert.equal(calls('CreateTokenWithIAM').length, 1);
    assert.equal(chats().length, 2);
  });

  it('a reused token after sign-out gets the sign-in pop-up, not another exchange; a foreign token gets 412', async () => {
    const token = await stack.mintToken({ aadObjectId: katherine.aadObjectId });
    onlyItem(await stack.post(searchQuery(stack.serviceUrl, katherine, QUESTION, { token })));
    await stack.post(message(stack.serviceUrl, katherine, '/signout'));
    await stack.connector.waitFor('signed out', () => stack.connector.messages().length > 0);
    stack.q.state.reset();

    const reused = await stack.post(searchQuery(stack.serviceUrl, katherine, QUESTION, { token }));
    assert.equal(reused.status, 200);
    assert.equal(reused.body.composeExtension.type, 'auth', 'the sign-in pages get a fresh token');
    assert.equal(calls('CreateTokenWithIAM').length, 0, 'Identity Center never sees the token twice');

    const fresh = await stack.mintToken({ aadObjectId: katherine.aadObjectId });
    onlyItem(await stack.post(searchQuery(stack.serviceUrl, katherine, 'How do I set up the VPN on a new laptop?', { state: fresh })));
    assert.equal(chats()[0]?.principal, idcUserIdOf(katherine), 'the sign-in pages’ token (value.state) signs in');

    const foreign = await stack.post(searchQuery(stack.serviceUrl, LINUS, QUESTION, { token: await stack.mintToken({ aadObjectId: GRACE.aadObjectId }) }));
    assert.equal(foreign.status, 412);
    const garbage = await stack.post(searchQuery(stack.serviceUrl, LINUS, QUESTION, { token: 'not-a-token' }));
    assert.equal(garbage.status, 412);
  });

  it('action command: fetchTask opens a dialog with the message’s text (files listed as not included); submitAction inserts the answer', async () => {
    const messagePayload = {
      id: '1700000000001',
      body: { contentType: 'html', content: '<p>Does anyone know how I reset my VPN token?</p>' },
      attachments: [{ contentType: 'reference', name: 'vpn-error.png' }],
      from: { user: { id: GRACE.aadObjectId, displayName: GRACE.name } },
    };
    const task = await stack.post(composeExtension(stack.serviceUrl, ADA, 'composeExtension/fetchTask', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload }));
    assert.equal(task.status, 200);
    assert.equal(task.body.task.type, 'continue');
    const dialog = task.body.task.value.card.content;
    assert.deepEqual(schemaErrors(dialog), []);
    const input = dialog.body.find((element: Body) => element.type === 'Input.Text');
    assert.equal(input.value, 'Does anyone know how I reset my VPN token?');
    assert.match(textOfCard(dialog), /Not included.*vpn-error\.png/);
    assert.equal(chats().length, 0, 'opening the dialog asks nothing');

    const submitted = await stack.post(
      composeExtension(stack.serviceUrl, ADA, 'composeExtension/submitAction', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload, data: { question: input.value, askQCommand: 'askQAboutMessage' } }),
    );
    const item = onlyItem(submitted);
    assert.match(textOfCard(item.content), /Answer for \*\*Ada Lovelace\*\*/);
    assert.deepEqual(chats().map((call) => [call.principal, (call.body as Body).userMessage]), [[idcUserIdOf(ADA), 'Does anyone know how I reset my VPN token?']]);
  });

  it('action command without a session: Teams’ sign-in pop-up (auth) with the bot’s own page, no SSO attempt', async () => {
    const linus = teamsUser('Margaret Hamilton');
    const task = await stack.post(composeExtension(stack.serviceUrl, linus, 'composeExtension/fetchTask', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload: { body: { contentType: 'text', content: 'hello?' } } }));
    assert.equal(task.status, 200);
    assert.deepEqual(task.body.composeExtension.type, 'auth');
    assert.equal(task.body.composeExtension.suggestedActions.actions[0].value, 'http://127.0.0.1:3978/auth-start.html');
  });

  it('votes on an inserted card: the asker’s 👍 reaches PutFeedback for that Q message; someone else is told only the asker can rate', async () => {
    const item = onlyItem(await stack.post(searchQuery(stack.serviceUrl, ADA, 'Where is the VPN guide?')));
    const answerKey = item.content.refresh.action.data.answerKey as string;
    // The person inserted and sent the card: it is their message in the chat (id from Teams).
    const inserted = 'm-inserted-1';

    const refreshed = await stack.post(execute(stack.serviceUrl, ADA, inserted, 'answer.refresh', { answerKey }, GROUP_CHAT));
    assert.equal(refreshed.status, 200);
    assert.ok(refreshed.body.value.actions.some((action: Body) => action.verb === 'feedback.up'), 'the asker sees the vote buttons');
    const noNewConversation = (card: Body, when: string): void =>
      assert.ok(!JSON.stringify(card).includes('New conversation') && !JSON.stringify(card).includes('"conversation.new"'), `no "New conversation" on an inserted card (${when})`);
    noNewConversation(refreshed.body.value, 'the asker\'s view');

    const vote = await stack.post(execute(stack.serviceUrl, ADA, inserted, 'feedback.up', { answerKey }, GROUP_CHAT));
    assert.equal(vote.status, 200);
    assert.equal(vote.body.type, ADAPTIVE);
    noNewConversation(vote.body.value, 'after the asker\'s vote');
    await stack.connector.waitFor('PutFeedback', () => calls('PutFeedback').length === 1);
    const feedback = calls('PutFeedback')[0] as { principal: string; conversationId?: string; messageId?: string; body: Body };
    assert.equal(feedback.principal, idcUserIdOf(ADA));
    const conversation = stack.q.state.conversations.get(feedback.conversationId ?? '');
    const answerMessage = conversation?.messages.find((candidate) => candidate.type === 'SYSTEM');
    assert.equal(conversation?.principal, idcUserIdOf(ADA));
    assert.equal(feedback.messageId, answerMessage?.messageId, 'the vote is on the message that answered');
    assert.equal(feedback.body.messageUsefulness.usefulness, 'USEFUL');

    const other = await stack.post(execute(stack.serviceUrl, GRACE, inserted, 'feedback.down', { answerKey }, GROUP_CHAT));
    assert.equal(other.status, 200);
    assert.match(JSON.stringify(other.body), /Only Ada Lovelace can rate this answer/);
    const otherRefresh = await stack.post(execute(stack.serviceUrl, GRACE, inserted, 'answer.refresh', { answerKey }, GROUP_CHAT));
    assert.equal(otherRefresh.body.value.actions, undefined, 'someone else: the answer without controls');
    assert.equal(calls('PutFeedback').length, 1);
  });

  it('bad inputs get a clear item or dialog, never a 5xx, and never reach Q', async () => {
    const query = (value: unknown) => stack.post(composeExtension(stack.serviceUrl, ADA, 'composeExtension/query', value));
    const cases: Array<[string, Promise<{ status: number; body: Body }>, RegExp]> = [
      ['empty query', stack.post(searchQuery(stack.serviceUrl, ADA, '   ')), /Ask Amazon Q Business/],
      ['7,001 characters', stack.post(searchQuery(stack.serviceUrl, ADA, `${'why '.repeat(1750)}x`)), /too long/],
      ['unknown command', stack.post(searchQuery(stack.serviceUrl, ADA, QUESTION, { commandId: 'searchCats' })), /Unknown command/],
      ['no parameters', query({ commandId: 'askQ' }), /Ask Amazon Q Business/],
      ['value not an object', query('garbage'), /Ask Amazon Q Business/],
    ];
    for (const [name, reply, pattern] of cases) {
      const item = onlyItem(await reply);
      assert.match(item.preview.content.title, pattern, name);
    }
    const noText = await stack.post(composeExtension(stack.serviceUrl, ADA, 'composeExtension/fetchTask', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload: { body: { contentType: 'html', content: '<img src="x.png">' } } }));
    assert.equal(noText.status, 200);
    assert.match(JSON.stringify(noText.body), /This message has no text to ask about/);
    const emptySubmit = await stack.post(composeExtension(stack.serviceUrl, ADA, 'composeExtension/submitAction', { commandId: 'askQAboutMessage', commandContext: 'message', data: { question: ' ' } }));
    assert.equal(emptySubmit.body.task.type, 'continue', 'the dialog again');
    assert.match(JSON.stringify(emptySubmit.body), /Type a question to ask/);
    const unknownAction = await stack.post(composeExtension(stack.serviceUrl, ADA, 'composeExtension/fetchTask', { commandId: 'somethingElse' }));
    assert.equal(unknownAction.status, 200);
    assert.equal(unknownAction.body.task.type, 'message');
    assert.equal(chats().length, 0);
  });
});

describe('message extension with the bot’s Bot Framework identity and its own AWS identity', function () {
  this.timeout(60000);

  it('invokes pass the same inbound checks as every activity; with no per-user sign-in Q is called as the bot, and its refusal is a clear item', async () => {
    const stack = await startAuthenticatedStack({ AAD_APP_CLIENT_ID: '', AAD_APP_TENANT_ID: '', IDC_APPLICATION_ARN: '' });
    try {
      const unauthenticated = await stack.postWith(searchQuery(stack.serviceUrl, ADA, QUESTION), undefined);
      assert.equal(unauthenticated.status, 401);
      const item = onlyItem(await stack.post(searchQuery(stack.serviceUrl, ADA, QUESTION)));
      // The local Q, like the real one, serves identity-aware sessions only: the bot's own keys are
      // refused, and the person gets the failure card (with the request id), not a 5xx.
      assert.equal(item.preview.content.title, 'Something went wrong');
      assert.match(JSON.stringify(item.content), /Request ID for your admin/);
      await nextLog(stack.bot.logs, /"feature":"messageExtension".*"event":"answer","outcome":"unexpected","error":"UnrecognizedClientException"/, 0);
      assert.equal(stack.q.state.calls.filter((call) => call.operation === 'CreateTokenWithIAM').length, 0, 'no per-user sign-in');
    } finally {
      await stack.stop();
    }
  });
});
