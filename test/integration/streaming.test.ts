/**
 * Streamed answers in 1:1 chats: Q's Chat (event streams, through the local Q) → Teams' streaming
 * protocol at the fake connector (201 then 202, 403 ContentStreamNotAllowed and 429 on demand).
 * Everything the card reply does works streamed; channels keep the single card.
 */
import assert from 'node:assert/strict';
import { streamInfoOf, type SentActivity } from '../helpers/fakeConnector';
import { actionsOf, cardOf, cardTexts, nextLog, startStack, suiteStack, type Stack } from '../helpers/stack';
import { ADA, execute, mention, message, personalConversationId, submit, THREAD } from '../helpers/teamsActivities';

/** Slow enough for several Teams updates (1.5 s apart) while the 1,197-character VPN answer streams. */
const PACING = { firstTokenMs: 200, tokensPerSecond: 80 };
const VPN = 'How do I reset my VPN token?';

describe('streamed answers in 1:1 chats (Q Chat → Teams streaming)', () => {
  const stack = suiteStack([ADA], { freshConversationFor: ADA, env: { STREAMING: 'on' } });
  const chatCalls = () => stack.q.state.calls.filter((call) => call.operation === 'Chat');

  /** Posts a question and waits for the reply that ends it (the stream's final message, or a plain one). */
  async function ask(text: string, activity: Record<string, unknown> = message(stack.serviceUrl, ADA, text)): Promise<{ updates: SentActivity[]; final: SentActivity }> {
    const before = stack.connector.sent.length;
    assert.equal((await stack.post(activity)).status, 200);
    const final = await stack.connector.waitFor('the final message', () => stack.connector.sent.slice(before).find((sent) => sent.body.type === 'message'), 30000);
    return { updates: stack.connector.sent.slice(before).filter((sent) => sent.body.type === 'typing'), final };
  }

  it('shows an informative update at once, then growing text, then the answer card as the final message', async () => {
    stack.q.state.pacing = PACING;
    const { updates, final } = await ask(VPN);
    const [informative, ...growing] = updates;
    assert.equal(streamInfoOf(informative?.body ?? {})?.streamType, 'informative');
    assert.equal(streamInfoOf(informative?.body ?? {})?.streamSequence, 1);
    assert.match(informative?.body.text, /Searching your company’s documents/);
    assert.ok(informative && informative.body.text.length <= 1000);

    const streamId = informative?.returnedId;
    assert.ok(growing.length >= 2, `at least two growing updates (${growing.length})`);
    let previous = '';
    growing.forEach((update, index) => {
      const info = streamInfoOf(update.body);
      assert.equal(info?.streamType, 'streaming');
      assert.equal(info?.streamId, streamId);
      assert.equal(info?.streamSequence, index + 2, 'sequence numbers only increase');
      assert.ok(update.body.text.startsWith(previous), 'each update holds all earlier text');
      assert.ok(update.body.text.length > previous.length, 'and more of it');
      assert.equal(update.body.attachments, undefined, 'attachments only on the final message');
      assert.doesNotMatch(update.body.text, /^#{1,6} |```/m, 'headings shown bold, no half code block');
      previous = update.body.text;
    });

    const info = streamInfoOf(final.body);
    assert.equal(info?.streamType, 'final');
    assert.equal(info?.streamId, streamId);
    assert.equal(info?.streamSequence, undefined);
    const card = cardOf(final);
    assert.match(cardTexts(card).join('\n'), /Reset token[\s\S]*\[1\][\s\S]*\*\*Sources\*\*/);
    assert.deepEqual(actionsOf(card).map((action) => action.title), ['👍 Helpful', '👎 Not helpful', 'New conversation']);
    assert.ok(final.body.entities.some((entity: Record<string, any>) => entity.additionalType?.includes('AIGeneratedContent')), 'AI label on the final message');
    assert.equal(stack.connector.streamed().filter((sent) => streamInfoOf(sent.body)?.streamType === 'final').length, 1, 'one final message');
    assert.equal(chatCalls().length, 1);
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 0);
  });

  it('ends with the same card the ChatSync path sends for the same question, and votes on it reach PutFeedback', async () => {
    const { final } = await ask(VPN);
    const streamedCard = cardOf(final);
    const chatSyncStack: Stack = await startStack({ STREAMING: 'off' });
    try {
      await chatSyncStack.signIn(ADA);
      await chatSyncStack.post(message(chatSyncStack.serviceUrl, ADA, VPN));
      const reply = await chatSyncStack.connector.waitFor('the card reply', () => chatSyncStack.connector.messages()[1]);
      assert.equal(streamInfoOf(reply.body), undefined, 'streaming off: a plain card reply');
      assert.equal(chatSyncStack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 1);
      const withoutKeys = (card: unknown) => JSON.parse(JSON.stringify(card).replace(/"answerKey":"[^"]+"/g, '"answerKey":"…"'));
      assert.deepEqual(withoutKeys(streamedCard), withoutKeys(cardOf(reply)));
    } finally {
      await chatSyncStack.stop();
    }

    const up = actionsOf(streamedCard).find((action) => action.title === '👍 Helpful');
    const response = await stack.post(execute(stack.serviceUrl, ADA, final.returnedId, up?.verb, up?.data));
    assert.equal(response.status, 200);
    const feedback = stack.q.state.calls.filter((call) => call.operation === 'PutFeedback');
    assert.equal(feedback.length, 1);
    const conversation = stack.q.state.conversations.get(chatCalls()[0]?.conversationId ?? [...stack.q.state.conversations.keys()][0] ?? '');
    assert.equal(feedback[0]?.messageId, conversation?.messages.at(-1)?.messageId, 'the streamed answer is the message rated');
    assert.equal((feedback[0]?.body as Record<string, any>).messageUsefulness.usefulness, 'USEFUL');
  });

  it('continues the conversation, starts over after /new, and recovers when Q has dropped it', async () => {
    await ask('How do I report phishing?');
    await ask('What if I clicked a link?');
    const [first, second] = chatCalls();
    assert.equal(first?.conversationId, undefined);
    assert.ok(second?.conversationId, 'the follow-up continues the conversation');
    assert.equal((second?.body as Record<string, string>).parentMessageId, stack.q.state.conversations.get(second?.conversationId as string)?.messages[1]?.messageId);

    await fetch(`${stack.q.url}/_local/expire-conversations`, { method: 'POST' });
    const { final } = await ask('And after that?');
    assert.match(cardTexts(cardOf(final))[0] as string, /previous conversation had expired/);
    assert.equal(chatCalls().length, 4, 'refused follow-up, then asked fresh');
    assert.equal(chatCalls()[3]?.conversationId, undefined);

    await stack.post(message(stack.serviceUrl, ADA, '/new'));
    await stack.connector.waitFor('new conversation', () => stack.connector.messages().some((sent) => /Started a new conversation/.test(JSON.stringify(sent.body))));
    await ask('How do I get guest Wi-Fi?');
    assert.equal(chatCalls()[4]?.conversationId, undefined);
  });

  it('sends files as attachment events and streams plugin review forms as the final message', async () => {
    const file = stack.connector.file('remote-work.txt', Buffer.from('Employees may work remotely up to three days a week.'));
    const { final } = await ask('', { ...message(stack.serviceUrl, ADA, 'What does this say about remote work?'), attachments: [file] });
    assert.match(cardTexts(cardOf(final)).join(' '), /three days a week/);
    assert.deepEqual((chatCalls()[0]?.body as Record<string, any>).inputEvents, ['textEvent', 'attachmentEvent', 'endOfInputEvent']);

    const plugin = await ask('Please create a ticket for the broken projector');
    assert.equal(streamInfoOf(plugin.final.body)?.streamType, 'final');
    assert.match(JSON.stringify(cardOf(plugin.final)), /Summary/);

    const pluginSignIn = await ask('Show my Jira issues');
    assert.equal(streamInfoOf(pluginSignIn.final.body)?.streamType, 'final');
    const resume = actionsOf(cardOf(pluginSignIn.final)).find((action) => action.type === 'Action.Execute');
    assert.ok(resume, 'the plugin sign-in card, with its continue button');
    const resumed = await stack.post(execute(stack.serviceUrl, ADA, pluginSignIn.final.returnedId, resume.verb, resume.data));
    assert.equal(resumed.status, 200);
    const answer = await stack.connector.waitFor('the plugin answer', () => stack.connector.messages().find((sent) => /open Jira issues/.test(JSON.stringify(sent.body))));
    assert.ok(answer);
    // A card click is an invoke, answered with a card reply: ChatSync, in the conversation the stream started.
    const continued = stack.q.state.calls.filter((call) => call.operation === 'ChatSync').at(-1);
    assert.ok((continued?.body as Record<string, any>).authChallengeResponse);
    const challenged = [...stack.q.state.conversations.values()].find((conversation) => conversation.messages.some((message) => message.pluginTurn === 'authChallenge'));
    assert.ok(challenged);
    assert.equal(continued?.conversationId, challenged.conversationId);
  });

  it('turns a failure before any text into the usual card, as the final message', async () => {
    stack.q.state.addFault({ operation: 'Chat', error: 'AccessDeniedException', count: 1 });
    const { updates, final } = await ask(VPN);
    assert.equal(updates.length, 1, 'only the informative update');
    assert.equal(streamInfoOf(final.body)?.streamType, 'final');
    assert.match(cardTexts(cardOf(final)).join(' '), /don’t have access/);
  });

  it('ends a stream Q breaks midway with what arrived, a clear note and a working Try again', async () => {
    await ask('How do I report phishing?');
    stack.q.state.pacing = PACING;
    stack.q.state.addFault({ operation: 'Chat', midStream: 'exception', error: 'ThrottlingException', afterTokens: 200, count: 1 });
    const { updates, final } = await ask(VPN);
    assert.ok(updates.length >= 2, 'some text was streamed first');
    const texts = cardTexts(cardOf(final)).join('\n');
    assert.match(texts, /Reset token/, 'what arrived is kept');
    assert.match(texts, /cut off before Amazon Q Business finished/);
    assert.match(texts, /Amazon Q Business is busy/, 'the exception frame is classified as throttling');
    const retry = actionsOf(cardOf(final)).find((action) => action.title === 'Try again');
    assert.ok(retry);

    stack.q.state.pacing = { firstTokenMs: 0, tokensPerSecond: 0 };
    const again = await ask('', submit(stack.serviceUrl, ADA, final.returnedId, retry.data));
    assert.match(cardTexts(cardOf(again.final)).join(' '), /Sources/);
    const [first, , retried] = chatCalls();
    assert.equal(retried?.conversationId, first?.conversationId ?? [...stack.q.state.conversations.keys()][0], 'the retry continues the same conversation');
  });

  it('says "something went wrong" with what arrived when the stream drops', async () => {
    stack.q.state.pacing = PACING;
    stack.q.state.addFault({ operation: 'Chat', midStream: 'drop', afterTokens: 200, count: 1 });
    const { final } = await ask(VPN);
    const texts = cardTexts(cardOf(final)).join('\n');
    assert.match(texts, /Reset token[\s\S]*cut off[\s\S]*Something went wrong/);
  });

  it('stops cleanly when the person presses Stop (403 ContentStreamNotAllowed): nothing more is sent and the process lives on', async () => {
    stack.q.state.pacing = PACING;
    stack.connector.refuseStream = { status: 403, afterUpdates: 1 };
    const logsBefore = stack.bot.logs.length;
    assert.equal((await stack.post(message(stack.serviceUrl, ADA, VPN))).status, 200);
    await nextLog(stack.bot.logs, /"final message not sent"/, logsBefore, 20000);
    const streamed = stack.connector.streamed();
    assert.equal(streamed.at(-1)?.refusedWith, 403, 'the refused update was the last thing sent');
    assert.equal(streamed.filter((sent) => sent.refusedWith).length, 1, 'no update after the refusal');
    assert.equal(stack.connector.messages().length, 0, 'no final message, no duplicate');
    assert.ok((await fetch(`${stack.bot.url}/healthz`)).ok, 'the bot still serves');

    const { final } = await ask('And what if that fails?');
    assert.equal(chatCalls().length, 2);
    assert.equal(chatCalls()[1]?.conversationId, [...stack.q.state.conversations.keys()][0], 'the stopped answer still continues the conversation');
    assert.equal(streamInfoOf(final.body)?.streamType, 'final');
  });

  it('does not ask Q when Teams refuses the first (informative) update, and sends nothing more', async () => {
    stack.connector.refuseStream = { status: 403, afterUpdates: 0 };
    const logsBefore = stack.bot.logs.length;
    const sentBefore = stack.connector.sent.length;
    assert.equal((await stack.post(message(stack.serviceUrl, ADA, VPN))).status, 200);
    await nextLog(stack.bot.logs, /"Teams refused the first update of the reply: Q not asked"/, logsBefore, 20000);
    assert.equal(chatCalls().length, 0, 'no Chat request reached Q');
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 0, 'and no ChatSync either');
    const sent = stack.connector.sent.slice(sentBefore);
    assert.deepEqual(sent.map((activity) => [streamInfoOf(activity.body)?.streamType, activity.refusedWith]), [['informative', 403]], 'only the refused update');

    // The chat is free again: the next question streams and is answered as usual.
    const { final } = await ask(VPN);
    assert.equal(chatCalls().length, 1);
    assert.equal(streamInfoOf(final.body)?.streamType, 'final');
  });

  it('stops updating on 429 and still ends the stream with the answer card, once', async () => {
    stack.q.state.pacing = PACING;
    stack.connector.refuseStream = { status: 429, afterUpdates: 2 };
    const { final } = await ask(VPN);
    const streamed = stack.connector.streamed();
    const refusedAt = streamed.findIndex((sent) => sent.refusedWith === 429);
    assert.ok(refusedAt > 0);
    assert.deepEqual(streamed.slice(refusedAt + 1).map((sent) => streamInfoOf(sent.body)?.streamType), ['final'], 'only the final message after the 429');
    assert.match(cardTexts(cardOf(final)).join(' '), /Sources/);
  });

  it('streams one answer per chat at a time: a question asked meanwhile gets an ordinary reply', async () => {
    stack.q.state.pacing = PACING;
    await Promise.all([stack.post(message(stack.serviceUrl, ADA, VPN)), stack.post(message(stack.serviceUrl, ADA, 'How do I report phishing?'))]);
    const replies = await stack.connector.waitFor('both replies', () => (stack.connector.messages().length === 2 ? stack.connector.messages() : undefined), 30000);
    assert.equal(stack.connector.sent.filter((sent) => streamInfoOf(sent.body)?.streamType === 'informative').length, 1, 'one stream');
    assert.deepEqual(replies.map((reply) => streamInfoOf(reply.body)?.streamType).sort(), ['final', undefined].sort());
  });

  it('keeps the single card reply in channels (Teams streams only in 1:1 chats)', async () => {
    await stack.post(mention(stack.serviceUrl, ADA, VPN, THREAD));
    const reply = await stack.connector.waitFor('the channel card', () => stack.connector.messages(THREAD)[0]);
    assert.equal(streamInfoOf(reply.body), undefined);
    assert.equal(stack.connector.sent.filter((sent) => streamInfoOf(sent.body)).length, 0);
    assert.equal(chatCalls().length, 0);
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 1);
    assert.equal(stack.connector.messages(personalConversationId(ADA)).length, 0);
  });
});
