/**
 * Answers in shared spaces (channels, group chats): a private answer is posted as a placeholder;
 * only the asker gets the answer (refresh, "Show me the answer"); sharing turns the thread
 * message into the answer once; and every other route a second person could take — refresh or
 * Action.Execute with the key, a forged share, votes, retry, plugin forms and sign-in, the message
 * extension, thread context, a second instance — yields no answer text, source title, URL or
 * snippet in any response or outbound activity. Knowledge scopes send exactly their attributeFilter.
 * Through HTTP only: invokes and messages in; connector traffic, Q requests and logs inspected.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { cardOf, cardTexts, idcUserIdOf, startStack, type Stack } from '../helpers/stack';
import { startScaledStack, type ScaledStack } from '../helpers/scaledStack';
import { ADA, composeExtension, executeInThread, GRACE, GROUP_CHAT, mention, message, personalConversationId, submit, teamsUser, type TeamsUser } from '../helpers/teamsActivities';

const SCOPES_FILE = resolve(__dirname, '../../../test/fixtures/knowledge-scopes.json');
const QUESTION = 'How do I reset my VPN token?';
/** Words of the answer, its source's title and URL that the question itself does not contain. */
const ANSWER_MARKERS = ['self-service portal', 'access.example.com', 'Security devices', 'Resetting your VPN token', 'intranet.example.com/it/vpn'];

/** Every marker found anywhere in these (responses, activities, Q requests), serialised raw. */
function leaks(...things: unknown[]): string[] {
  const raw = JSON.stringify(things);
  return ANSWER_MARKERS.filter((marker) => raw.includes(marker));
}

/** Every text of a card (TextBlocks, and each RichTextBlock's runs joined), in document order. */
function allTexts(card: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
      // A RichTextBlock reads as its runs put together.
      if (record.type === 'RichTextBlock' && Array.isArray(record.inlines)) {
        texts.push(record.inlines.map((inline) => String((inline as Record<string, unknown>).text ?? '')).join(''));
        return;
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return texts.join(' ');
}

/** Action.Submit (fallback of Action.Execute) in a channel thread. */
function submitInThread(serviceUrl: string, user: TeamsUser, value: Record<string, unknown>, thread: string): Record<string, unknown> {
  const base = submit(serviceUrl, user, 'sent-1', value);
  return { ...base, conversation: { ...(base.conversation as object), id: thread, conversationType: 'channel' }, channelData: { ...(base.channelData as object), team: { id: '19:team-operations@thread.tacv2' }, channel: { id: thread.split(';')[0] } } };
}

function executeIn(serviceUrl: string, user: TeamsUser, verb: string, data: Record<string, unknown>, thread: string, replyToId: string, trigger: 'manual' | 'automatic' = 'manual'): Record<string, unknown> {
  const activity = executeInThread(serviceUrl, user, verb, data, undefined, thread);
  return { ...activity, replyToId, value: { ...(activity.value as object), trigger } };
}

describe('answers in shared spaces: private until the asker shares', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ KNOWLEDGE_SCOPES_FILE: SCOPES_FILE });
    for (const user of [ADA, GRACE]) await stack.signIn(user);
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(() => {
    stack.connector.clear();
    stack.q.state.reset();
  });

  const chatSyncs = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync');

  /** Ada asks in a thread; the placeholder as posted, its id, and the answer key it carries. */
  async function adaAsks(thread: string, question = QUESTION): Promise<{ card: Record<string, any>; messageId: string; answerKey: string }> {
    assert.equal((await stack.post(mention(stack.serviceUrl, ADA, question, thread))).status, 200);
    const sent = await stack.connector.waitFor('the placeholder', () => stack.connector.messages(thread).find((activity) => activity.body.attachments));
    const card = cardOf(sent);
    return { card, messageId: sent.returnedId, answerKey: String(card.refresh?.action?.data?.answerKey ?? card.actions?.[0]?.data?.answerKey) };
  }

  /** The asker's own view, as Teams' automatic refresh fetches it. */
  async function adaRefreshes(thread: string, answerKey: string, messageId: string): Promise<Record<string, any>> {
    const response = await stack.post(executeIn(stack.serviceUrl, ADA, 'answer.show', { answerKey }, thread, messageId, 'automatic'));
    assert.equal(response.status, 200);
    return response.body.value;
  }

  it('posts a placeholder that names the asker and the question, carries only a key, and is refreshed for the asker only', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-1';
    const { card, answerKey, messageId } = await adaAsks(thread);
    const outbound = stack.connector.sent;
    assert.deepEqual(leaks(outbound), [], 'nothing of the answer went to the thread');
    assert.deepEqual(card.refresh.userIds, [ADA.id], 'only Ada gets her own view');
    assert.equal(card.refresh.action.verb, 'answer.show');
    assert.deepEqual(Object.keys(card.refresh.action.data), ['answerKey']);
    assert.match(answerKey, /^[0-9a-f-]{36}$/);
    const texts = allTexts(card);
    assert.match(texts, /Ada Lovelace asked:/);
    assert.match(texts, /How do I reset my VPN token\?/);
    assert.match(texts, /only Ada Lovelace can see it until they share it/);
    assert.equal(cardTexts(card).length, 0, 'names and the question are TextRuns, never markdown TextBlocks');
    assert.deepEqual(card.actions.map((action: any) => action.title), ['Show me the answer', 'Ask this as me']);
    assert.equal(card.actions[0].fallback.type, 'Action.Submit', 'older clients get a fallback');

    // The asker's refresh and "Show me the answer" return the answer, with Share.
    const own = await adaRefreshes(thread, answerKey, messageId);
    assert.deepEqual(leaks(own).sort(), [...ANSWER_MARKERS].sort(), 'the markers are really in the answer');
    assert.ok(own.actions.some((action: any) => action.title === 'Share with everyone here'));
    assert.deepEqual(own.refresh.userIds, [ADA.id], "the asker's view keeps refreshing for her only");
    const shown = await stack.post(executeIn(stack.serviceUrl, ADA, 'answer.show', { answerKey }, thread, messageId));
    assert.deepEqual(leaks(shown.body.value).length, ANSWER_MARKERS.length, '"Show me the answer" shows Ada her answer');
    assert.equal(stack.connector.updates().length, 0, 'showing never changes the message for everyone');
    // Clients without Universal Actions send the Action.Submit fallback: a pointer, never the answer.
    await stack.post(submitInThread(stack.serviceUrl, ADA, { answerKey, verb: 'answer.show' }, thread));
    const pointer = await stack.connector.waitFor('the pointer', () => stack.connector.messages(thread).find((activity) => /can’t show a private answer/.test(String(activity.body.text))));
    assert.deepEqual(leaks(pointer.body), []);
    assert.equal(chatSyncs()[0]?.principal, idcUserIdOf(ADA));
  });

  it('refuses every route a second person can take to a private answer', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-2';
    const { answerKey, messageId } = await adaAsks(thread);
    const responses: unknown[] = [];
    const tryAs = async (activity: Record<string, unknown>): Promise<{ status: number; body: any }> => {
      const response = await stack.post(activity);
      assert.ok(response.status < 500, `no 5xx (got ${response.status})`);
      responses.push(response.body);
      return response;
    };
    stack.connector.clear();
    const before = stack.q.state.calls.length;

    // Refresh / Action.Execute with Ada's key and each answer verb, as Grace.
    for (const verb of ['answer.show', 'answer.refresh']) {
      for (const trigger of ['automatic', 'manual'] as const) {
        const response = await tryAs(executeIn(stack.serviceUrl, GRACE, verb, { answerKey }, thread, messageId, trigger));
        assert.equal(response.body.type, 'application/vnd.microsoft.card.adaptive');
        assert.match(allTexts(response.body.value), /Ada Lovelace asked:/, 'Grace gets the placeholder');
      }
    }
    // A forged share, votes, the 👎 form and its submit, by Execute and by the Submit fallback.
    const share = await tryAs(executeIn(stack.serviceUrl, GRACE, 'answer.share', { answerKey }, thread, messageId));
    assert.match(allTexts(share.body.value), /Only Ada Lovelace can share this answer/);
    for (const verb of ['feedback.up', 'feedback.down', 'feedback.cancel']) await tryAs(executeIn(stack.serviceUrl, GRACE, verb, { answerKey }, thread, messageId));
    await tryAs(executeIn(stack.serviceUrl, GRACE, 'feedback.submitNegative', { answerKey, reason: 'NOT_HELPFUL', comment: 'x' }, thread, messageId));
    for (const verb of ['feedback.up', 'feedback.down', 'answer.share', 'answer.refresh', 'answer.show']) await tryAs(submitInThread(stack.serviceUrl, GRACE, { answerKey, verb }, thread));
    await new Promise((resolve) => setTimeout(resolve, 300));

    assert.deepEqual(leaks(responses, stack.connector.sent), [], 'no answer text, title, URL or snippet reached Grace');
    assert.equal(stack.connector.updates().length, 0, 'the thread message was not changed');
    assert.deepEqual(stack.q.state.calls.slice(before).filter((call) => call.operation === 'PutFeedback'), [], 'no vote reached Q');
    // Ada's answer is still private: her share works afterwards.
    const ownShare = await stack.post(executeIn(stack.serviceUrl, ADA, 'answer.share', { answerKey }, thread, messageId));
    assert.match(allTexts(ownShare.body.value), /Shared by/);
  });

  it('lets the asker share: the thread message becomes the answer marked "Shared by", exactly once; votes stay hers', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-3';
    const { answerKey, messageId } = await adaAsks(thread);
    const [first, second] = await Promise.all([
      stack.post(executeIn(stack.serviceUrl, ADA, 'answer.share', { answerKey }, thread, messageId)),
      stack.post(executeIn(stack.serviceUrl, ADA, 'answer.share', { answerKey }, thread, messageId)),
    ]);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const updates = stack.connector.updates();
    assert.equal(updates.length, 1, 'two racing shares update the message once');
    assert.equal(updates[0]?.activityId, messageId);
    const everyone = cardOf(updates[0] as never);
    assert.match(allTexts(everyone), /Shared by Ada Lovelace/);
    assert.equal(leaks(everyone).length, ANSWER_MARKERS.length, 'everyone now sees the answer');
    assert.equal(everyone.actions, undefined, 'no rating controls for everyone');
    assert.deepEqual(everyone.refresh.userIds, [ADA.id]);
    // Grace now sees the shared answer but still cannot vote.
    const graceVote = await stack.post(executeIn(stack.serviceUrl, GRACE, 'feedback.up', { answerKey }, thread, messageId));
    assert.match(JSON.stringify(graceVote.body), /Only Ada Lovelace can rate this answer/);
    const adaVote = await stack.post(executeIn(stack.serviceUrl, ADA, 'feedback.up', { answerKey }, thread, messageId));
    assert.match(allTexts(adaVote.body.value), /You rated this answer as helpful/);
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'PutFeedback').length, 1);
    const afterVote = stack.connector.updates().at(-1);
    assert.match(allTexts(cardOf(afterVote as never)), /Shared by Ada Lovelace/, 'after her vote the message stays the shared answer');
  });

  it('"Ask this as me" answers the same question with the clicker’s own identity, as their own private answer', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-4';
    const { answerKey, messageId } = await adaAsks(thread);
    stack.connector.clear();
    stack.q.state.reset();
    const response = await stack.post(executeIn(stack.serviceUrl, GRACE, 'answer.askAsMe', { answerKey }, thread, messageId));
    assert.equal(response.status, 200);
    assert.deepEqual(leaks(response.body), []);
    assert.match(allTexts(response.body.value), /Your own answer is in this thread/);
    const calls = chatSyncs();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.principal, idcUserIdOf(GRACE), "asked with Grace's identity");
    assert.equal((calls[0]?.body as Record<string, unknown>).userMessage, QUESTION);
    const graceCard = cardOf(await stack.connector.waitFor("Grace's placeholder", () => stack.connector.messages(thread).find((activity) => activity.body.attachments)));
    assert.deepEqual(graceCard.refresh.userIds, [GRACE.id], "Grace's answer is private to her");
    assert.deepEqual(leaks(stack.connector.sent), []);
  });

  it('"Ask this as me" from someone not signed in: in-place sign-in (Universal Actions), then their own private answer', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-4b';
    const alan = teamsUser('Alan Turing');
    const { answerKey, messageId } = await adaAsks(thread);
    stack.connector.clear();
    stack.q.state.reset();
    const pressed = await stack.post(executeIn(stack.serviceUrl, alan, 'answer.askAsMe', { answerKey }, thread, messageId));
    assert.equal(pressed.status, 200);
    const signInCard = cardOf(await stack.connector.waitFor('in-place sign-in card', () => stack.connector.messages(thread)[0]));
    const action = signInCard.actions[0];
    assert.equal(action.verb, 'signin.inplace');
    const challenge = await stack.post(executeInThread(stack.serviceUrl, alan, action.verb, action.data, undefined, thread));
    assert.equal(challenge.body.statusCode, 401, 'Teams is asked for a token (loginRequest)');
    const token = await stack.mintToken({ aadObjectId: alan.aadObjectId });
    const signedIn = await stack.post(executeInThread(stack.serviceUrl, alan, action.verb, action.data, token, thread));
    assert.equal(signedIn.status, 200);
    const placeholder = cardOf(await stack.connector.waitFor("Alan's placeholder", () => stack.connector.messages(thread).find((sent, index) => index > 0 && sent.body.attachments)));
    assert.deepEqual(placeholder.refresh.userIds, [alan.id], "Alan's answer is private to him");
    assert.equal(chatSyncs()[0]?.principal, idcUserIdOf(alan));
    assert.deepEqual(leaks(pressed.body, challenge.body, signedIn.body, stack.connector.sent), []);
  });

  it('does not feed a private answer into another person’s Q prompt (thread context)', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-5';
    await adaAsks(thread);
    stack.q.state.reset();
    assert.equal((await stack.post(mention(stack.serviceUrl, GRACE, 'What did the bot just tell Ada?', thread))).status, 200);
    await stack.connector.waitFor("Grace's reply", () => chatSyncs().length === 1 && stack.connector.messages(thread).filter((activity) => activity.body.attachments).length === 2);
    const call = chatSyncs()[0];
    assert.equal(call?.principal, idcUserIdOf(GRACE));
    assert.equal((call?.body as Record<string, unknown>).conversationId, undefined, "Grace does not continue Ada's Q conversation");
    assert.deepEqual(leaks(call?.body), [], "nothing of Ada's answer is in Grace's prompt");
  });

  it('keeps retry ("Try again") to the asker', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-6';
    stack.q.state.addFault({ operation: 'ChatSync', error: 'ThrottlingException', count: 3 });
    await stack.post(mention(stack.serviceUrl, ADA, QUESTION, thread));
    const failure = cardOf(await stack.connector.waitFor('the failure card', () => stack.connector.messages(thread).find((activity) => activity.body.attachments)));
    const retry = failure.actions.find((action: any) => action.title === 'Try again');
    assert.ok(retry);
    stack.connector.clear();
    const callsBefore = chatSyncs().length;
    await stack.post(submitInThread(stack.serviceUrl, GRACE, retry.data, thread));
    const refusal = await stack.connector.waitFor('the refusal', () => stack.connector.messages(thread)[0]);
    assert.match(JSON.stringify(refusal.body), /can no longer be retried/);
    assert.equal(chatSyncs().length, callsBefore, 'Grace did not get Ada’s question asked');
    // Ada's retry still works, and its answer is private too.
    await stack.post(submitInThread(stack.serviceUrl, ADA, retry.data, thread));
    const placeholder = cardOf(await stack.connector.waitFor('the placeholder', () => stack.connector.messages(thread).find((activity) => activity.body.attachments)));
    assert.deepEqual(placeholder.refresh.userIds, [ADA.id]);
    assert.deepEqual(leaks(stack.connector.sent), []);
  });

  it('keeps plugin forms, their values and plugin sign-in links to the asker', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-7';
    await stack.post(mention(stack.serviceUrl, ADA, 'Create a ticket: the VPN portal rejects my token', thread));
    const posted = cardOf(await stack.connector.waitFor('the plugin placeholder', () => stack.connector.messages(thread).find((activity) => activity.body.attachments)));
    assert.doesNotMatch(JSON.stringify(posted), /Input\.|Jira|project/i, 'no form and no plugin values in the thread');
    const actionKey = posted.refresh.action.data.actionKey;
    assert.deepEqual(posted.refresh.userIds, [ADA.id]);
    const graceView = await stack.post(executeIn(stack.serviceUrl, GRACE, 'plugin.show', { actionKey }, thread, 'sent-1'));
    assert.doesNotMatch(JSON.stringify(graceView.body), /Input\./);
    for (const verb of ['plugin.execute', 'plugin.cancel', 'plugin.resume']) {
      const refused = await stack.post(executeIn(stack.serviceUrl, GRACE, verb, { actionKey, 'field.summary': 'x', 'field.project': 'IT' }, thread, 'sent-1'));
      assert.equal(refused.status, 200);
      assert.match(JSON.stringify(refused.body), /Only the person who asked/);
    }
    const adaView = await stack.post(executeIn(stack.serviceUrl, ADA, 'plugin.show', { actionKey }, thread, 'sent-1'));
    assert.match(JSON.stringify(adaView.body.value), /Input\./, 'Ada sees her form');

    stack.connector.clear();
    await stack.post(mention(stack.serviceUrl, ADA, 'Show my Jira issues', thread));
    const signIn = cardOf(await stack.connector.waitFor('the plugin sign-in placeholder', () => stack.connector.messages(thread).find((activity) => activity.body.attachments)));
    assert.doesNotMatch(JSON.stringify(signIn), /auth\.example\.com/, 'the plugin sign-in link is not in the thread');
    const graceSignIn = await stack.post(executeIn(stack.serviceUrl, GRACE, 'plugin.show', { actionKey: signIn.refresh.action.data.actionKey }, thread, 'sent-1'));
    assert.doesNotMatch(JSON.stringify(graceSignIn.body), /auth\.example\.com/);
    const adaSignIn = await stack.post(executeIn(stack.serviceUrl, ADA, 'plugin.show', { actionKey: signIn.refresh.action.data.actionKey }, thread, 'sent-1'));
    assert.match(JSON.stringify(adaSignIn.body), /auth\.example\.com/);
  });

  it('message extension: the action on the placeholder sees only the placeholder; searches answer each person as themselves', async () => {
    const thread = '19:general@thread.tacv2;messageid=private-8';
    const { card } = await adaAsks(thread);
    stack.q.state.reset();
    const messagePayload = { body: { contentType: 'html', content: '<attachment id="1"></attachment>' }, attachments: [{ id: '1', contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
    const task = await stack.post(composeExtension(stack.serviceUrl, GRACE, 'composeExtension/fetchTask', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload }, thread));
    assert.ok(task.status < 500);
    assert.deepEqual(leaks(task.body), [], 'the message action sees no answer');
    const submitted = await stack.post(
      composeExtension(stack.serviceUrl, GRACE, 'composeExtension/submitAction', { commandId: 'askQAboutMessage', commandContext: 'message', messagePayload, data: { question: 'What is the guest Wi-Fi password?' } }, thread),
    );
    assert.ok(submitted.status < 500);
    const calls = chatSyncs();
    assert.ok(calls.length >= 1);
    assert.ok(calls.every((call) => call.principal === idcUserIdOf(GRACE)), 'asked as Grace');
    assert.deepEqual(leaks(calls.map((call) => call.body)), [], "nothing of Ada's answer reached Grace's Q request");
  });

  it('works the same in group chats', async () => {
    const { card, answerKey, messageId } = await adaAsks(GROUP_CHAT);
    assert.deepEqual(leaks(stack.connector.sent), []);
    assert.deepEqual(card.refresh.userIds, [ADA.id]);
    const grace = await stack.post({ ...executeIn(stack.serviceUrl, GRACE, 'answer.show', { answerKey }, GROUP_CHAT, messageId), conversation: { id: GROUP_CHAT, conversationType: 'groupChat' } });
    assert.deepEqual(leaks(grace.body), []);
    const ada = await stack.post({ ...executeIn(stack.serviceUrl, ADA, 'answer.show', { answerKey }, GROUP_CHAT, messageId), conversation: { id: GROUP_CHAT, conversationType: 'groupChat' } });
    assert.equal(leaks(ada.body).length, ANSWER_MARKERS.length);
  });

  it('sends exactly the configured attributeFilter for a scoped space (channel beats team), none in a 1:1 chat, and names the scope', async () => {
    // The team's scope: the IT knowledge base.
    const teamThread = '19:general@thread.tacv2;messageid=scoped-1';
    const { answerKey, messageId } = await adaAsks(teamThread);
    const teamFilter = (chatSyncs()[0]?.body as Record<string, unknown>).attributeFilter;
    assert.deepEqual(teamFilter, {
      andAllFilters: [
        { equalsTo: { name: '_data_source_id', value: { stringValue: 'it-wiki' } } },
        { containsAny: { name: '_category', value: { stringListValue: ['it', 'security'] } } },
      ],
    });
    const own = await adaRefreshes(teamThread, answerKey, messageId);
    assert.match(allTexts(own), /Searched: IT knowledge base/);

    // A channel with its own scope, which everyone there may see: posted for everyone at once.
    stack.connector.clear();
    stack.q.state.reset();
    const hrThread = '19:hr-questions@thread.tacv2;messageid=scoped-2';
    await stack.post({ ...mention(stack.serviceUrl, ADA, 'How many days of annual leave do I get?', hrThread), channelData: { tenant: { id: 'x' }, team: { id: '19:team-operations@thread.tacv2' }, channel: { id: '19:hr-questions@thread.tacv2' } } });
    const hrCard = cardOf(await stack.connector.waitFor('the HR answer', () => stack.connector.messages(hrThread).find((activity) => activity.body.attachments)));
    assert.deepEqual((chatSyncs()[0]?.body as Record<string, unknown>).attributeFilter, { equalsTo: { name: '_data_source_id', value: { stringValue: 'hr-finance-sharepoint' } } });
    assert.match(allTexts(hrCard), /25 days/, 'everyone may see: the answer itself is posted');
    assert.match(allTexts(hrCard), /Searched: HR and finance policies/);
    // The local Q honours the filter: an IT question finds nothing in the HR scope.
    stack.connector.clear();
    await stack.post({ ...mention(stack.serviceUrl, ADA, QUESTION, hrThread), channelData: { tenant: { id: 'x' }, team: { id: '19:team-operations@thread.tacv2' }, channel: { id: '19:hr-questions@thread.tacv2' } } });
    const scopedOut = await stack.connector.waitFor('the reply', () => stack.connector.messages(hrThread).find((activity) => activity.body.attachments));
    assert.deepEqual(leaks(scopedOut.body), [], 'the VPN document is outside the HR scope');

    // 1:1: no filter at all.
    stack.q.state.reset();
    await stack.post(message(stack.serviceUrl, ADA, 'How many days of annual leave do I get?'));
    await stack.connector.waitFor('the 1:1 answer', () => stack.connector.messages(personalConversationId(ADA)).some((activity) => activity.body.attachments));
    assert.equal('attributeFilter' in (chatSyncs()[0]?.body as Record<string, unknown>), false);
  });

  it('help in a space says what it searches and that answers are private', async () => {
    const thread = '19:general@thread.tacv2;messageid=help-1';
    await stack.post(mention(stack.serviceUrl, ADA, 'help', thread));
    const help = cardOf(await stack.connector.waitFor('help', () => stack.connector.messages(thread)[0]));
    const texts = allTexts(help);
    assert.match(texts, /Here I search only IT knowledge base/);
    assert.match(texts, /Answers here are private/);
  });

  it('never writes answer text, titles or URLs to the logs', () => {
    assert.deepEqual(leaks(stack.bot.logs), []);
  });
});

describe('answers in shared spaces across instances (state on Azurite)', () => {
  let scaled: ScaledStack;
  before(async function () {
    this.timeout(60_000);
    scaled = await startScaledStack(2);
    for (const user of [ADA, GRACE]) {
      const { tokenExchange } = await import('../helpers/teamsActivities');
      const token = await scaled.q.entra.mint({ aadObjectId: user.aadObjectId });
      assert.equal((await scaled.post(0, tokenExchange(scaled.serviceUrl, user, `exchange-${user.name}`, token))).status, 200);
      await scaled.connector.waitFor(`${user.name} signed in`, () => scaled.connector.messages().some((sent) => JSON.stringify(sent.body).includes('Signed in') && sent.conversationId === personalConversationId(user)));
    }
  });
  after(async () => {
    await scaled?.stop();
  });

  it('serves the asker’s refresh from the other instance, refuses others there, and shares once when both instances get the click', async () => {
    const thread = '19:general@thread.tacv2;messageid=scaled-1';
    scaled.connector.clear();
    assert.equal((await scaled.post(0, mention(scaled.serviceUrl, ADA, QUESTION, thread))).status, 200);
    const sent = await scaled.connector.waitFor('the placeholder', () => scaled.connector.messages(thread).find((activity) => activity.body.attachments));
    const answerKey = cardOf(sent).refresh.action.data.answerKey;
    const messageId = sent.returnedId;
    const grace = await scaled.post(1, executeIn(scaled.serviceUrl, GRACE, 'answer.show', { answerKey }, thread, messageId, 'automatic'));
    assert.deepEqual(leaks(grace.body), []);
    const ada = await scaled.post(1, executeIn(scaled.serviceUrl, ADA, 'answer.show', { answerKey }, thread, messageId, 'automatic'));
    assert.equal(leaks(ada.body).length, ANSWER_MARKERS.length, 'the second instance reads the answer from Blob state');
    const forged = await scaled.post(1, executeIn(scaled.serviceUrl, GRACE, 'answer.share', { answerKey }, thread, messageId));
    assert.deepEqual(leaks(forged.body), []);
    const shares = await Promise.all([0, 1].map((instance) => scaled.post(instance, executeIn(scaled.serviceUrl, ADA, 'answer.share', { answerKey }, thread, messageId))));
    assert.deepEqual(shares.map((share) => share.status), [200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(scaled.connector.updates().length, 1, 'one update, whichever instance won');
    assert.deepEqual(leaks(scaled.instances.map((instance) => instance.logs)), [], 'no answer text in either instance’s logs');
  });
});
