/**
 * Channels and group chats: the bot answers only when mentioned, in the thread, as the person who
 * mentioned it, with recent thread context (kept from RSC-delivered messages) when the question
 * needs it; edits, deletes and removal of the bot update what it keeps.
 */
import assert from 'node:assert/strict';
import { cardOf, cardTexts, idcUserIdOf, startStack, type Stack } from '../helpers/stack';
import { ADA, BOT, botRemoved, conversationMessage, executeInThread, GRACE, GROUP_CHAT, mention, messageDeleted, messageEdited, teamsUser, THREAD } from '../helpers/teamsActivities';

describe('channels and group chats (mentions, threads, thread context)', () => {
  let stack: Stack;
  const alan = teamsUser('Alan Turing');

  before(async () => {
    // Today's public answers: these tests are about mentions, threads and context (private answers: ./sharedSpaces.test.ts).
    stack = await startStack({ SHARED_SPACE_ANSWERS: 'public' });
    for (const user of [ADA, GRACE, alan]) await stack.signIn(user);
  });
  after(async () => {
    await stack.stop();
  });
  beforeEach(() => {
    stack.connector.clear();
    stack.q.state.reset();
  });

  const chats = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync');
  const promptOf = (index: number) => String((chats()[index]?.body as Record<string, unknown>).userMessage);

  async function askIn(conversationId: string, user = ADA, text = 'How do I reset my VPN token?', index = 0): Promise<Record<string, any>> {
    assert.equal((await stack.post(mention(stack.serviceUrl, user, text, conversationId))).status, 200);
    return cardOf(await stack.connector.waitFor('answer in the conversation', () => stack.connector.messages(conversationId)[index]));
  }

  it('stays silent on messages that do not mention it, and keeps them as context', async () => {
    const thread = `${THREAD}-silent`;
    assert.equal((await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'Our VPN tokens stopped working after the phone upgrade.', thread))).status, 200);
    assert.equal((await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'help', thread))).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(stack.connector.sent.length, 0, 'no reply, not even to "help"');
    assert.equal(chats().length, 0);

    const card = await askIn(thread, ADA, 'How do we fix this?');
    assert.match(cardTexts(card)[0] as string, /^Answer for \*\*Ada Lovelace\*\*$/);
    const prompt = promptOf(0);
    assert.ok(prompt.startsWith('How do we fix this?'), 'the question comes first');
    assert.match(prompt, /recent messages in this conversation \(oldest first\):\nGrace Hopper: Our VPN tokens stopped working after the phone upgrade\.\nGrace Hopper: help\n---$/);
    assert.equal(stack.connector.messages(thread).length, 1, 'the answer went into the thread');
  });

  it('ignores its own messages', async () => {
    const thread = `${THREAD}-own`;
    const own = { ...mention(stack.serviceUrl, ADA, 'How do I reset my VPN token?', thread), from: BOT };
    assert.equal((await stack.post(own)).status, 200);
    await askIn(thread, ADA, 'What did you just say?');
    assert.equal(chats().length, 1);
    assert.doesNotMatch(promptOf(0), /Q Business:/, 'not kept as context either');
  });

  it('sends a standalone question without the thread', async () => {
    const thread = `${THREAD}-standalone`;
    await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'Lunch at noon?', thread));
    await askIn(thread, ADA, 'How do I reset my VPN token from the command line?');
    assert.equal(promptOf(0), 'How do I reset my VPN token from the command line?');
  });

  it('keeps context within bounds: oldest dropped first', async () => {
    const thread = `${THREAD}-long`;
    for (let index = 0; index < 12; index += 1) {
      await stack.post(conversationMessage(stack.serviceUrl, GRACE, `Message ${index}: ${'details about the travel booking problem '.repeat(6)}`, thread));
    }
    await askIn(thread, ADA, 'Summarize this please');
    const prompt = promptOf(0);
    assert.ok(prompt.length < 2600, `prompt is ${prompt.length} characters`);
    assert.doesNotMatch(prompt, /Message 0:/, 'the oldest message was dropped');
    assert.match(prompt, /Message 11:/, 'the newest is kept');
  });

  it('reflects edits and deletes, and forgets a team when the bot is removed', async () => {
    const thread = `${THREAD}-edits`;
    await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'The office Wi-Fi password is hunter2', thread, 'm-1'));
    await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'Guests keep asking for Wi-Fi', thread, 'm-2'));
    await stack.post(messageEdited(stack.serviceUrl, GRACE, 'm-2', 'Visitors keep asking for Wi-Fi', thread));
    await stack.post(messageDeleted(stack.serviceUrl, GRACE, 'm-1', thread));
    await askIn(thread, ADA, 'What should I tell them?');
    assert.match(promptOf(0), /Grace Hopper: Visitors keep asking for Wi-Fi/);
    assert.doesNotMatch(promptOf(0), /hunter2|Guests keep/);

    await stack.post(botRemoved(stack.serviceUrl, GRACE, '19:general@thread.tacv2'));
    await askIn(thread, ADA, 'What should I tell them?', 1);
    assert.equal(promptOf(1), 'What should I tell them?', 'nothing kept after removal');
  });

  it('answers each person in a thread with their own identity and Q conversation', async () => {
    const thread = `${THREAD}-two-people`;
    await askIn(thread, ADA, 'How do I reset my VPN token?', 0);
    await askIn(thread, alan, 'How do I report phishing?', 1);
    await askIn(thread, ADA, 'And if I lost my phone?', 2);
    assert.deepEqual(chats().map((call) => call.principal), [idcUserIdOf(ADA), idcUserIdOf(alan), idcUserIdOf(ADA)]);
    const bodies = chats().map((call) => call.body as Record<string, string>);
    assert.equal(bodies[1]?.conversationId, undefined, "Alan starts his own Q conversation");
    assert.ok(bodies[2]?.conversationId, "Ada's follow-up names a conversation");
    assert.equal(stack.q.state.conversations.get(bodies[2]?.conversationId as string)?.principal, idcUserIdOf(ADA), "Ada's follow-up continues hers");
  });

  it('works in group chats the same way', async () => {
    await stack.post(conversationMessage(stack.serviceUrl, GRACE, 'I need to book a hotel in Europe next week', GROUP_CHAT));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(stack.connector.sent.length, 0);
    const card = await askIn(GROUP_CHAT, ADA, 'What is the limit for that?');
    assert.match(cardTexts(card).join(' '), /Answer for \*\*Ada Lovelace\*\*/);
    assert.match(promptOf(0), /Grace Hopper: I need to book a hotel in Europe next week/);
  });

  it('gives the asker their own view with rating controls (Universal Actions refresh); others see the answer only', async () => {
    const thread = `${THREAD}-views`;
    const shared = await askIn(thread, ADA, 'How do I reset my VPN token?');
    assert.equal(shared.actions, undefined, 'no rating controls for everyone');
    assert.match(cardTexts(shared).join(' '), /Only Ada Lovelace can rate this answer/);
    assert.deepEqual(shared.refresh.userIds, [ADA.id]);
    const refresh = shared.refresh.action;
    assert.equal(refresh.verb, 'answer.refresh');

    const askerView = await stack.post(executeInThread(stack.serviceUrl, ADA, refresh.verb, refresh.data, undefined, thread));
    assert.deepEqual(askerView.body.value.actions.map((action: any) => action.title), ['👍 Helpful', '👎 Not helpful', 'New conversation']);
    const otherView = await stack.post(executeInThread(stack.serviceUrl, GRACE, refresh.verb, refresh.data, undefined, thread));
    assert.equal(otherView.body.value.actions, undefined);

    const voted = await stack.post(executeInThread(stack.serviceUrl, ADA, 'feedback.up', refresh.data, undefined, thread));
    assert.match(cardTexts(voted.body.value).join(' '), /You rated this answer as helpful/);
    const update = await stack.connector.waitFor('message update', () => stack.connector.updates()[0]);
    assert.equal(cardOf(update).actions, undefined, 'the message everyone sees keeps no controls');
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'PutFeedback')[0]?.principal, idcUserIdOf(ADA));
  });
});
