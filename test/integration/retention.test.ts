/**
 * State behind the cards does not live forever: with the bot's clock moved on, old answers can no
 * longer be rated and an old Q conversation is not continued.
 */
import assert from 'node:assert/strict';
import { actionsOf, cardOf, cardTexts, startInProcessStack, type Stack } from '../helpers/stack';
import { ADA, execute, message, personalConversationId } from '../helpers/teamsActivities';

describe('retention of conversation and answer state', () => {
  let offsetMs = 0;
  let stack: Stack;
  before(async () => {
    stack = await startInProcessStack(() => new Date(Date.now() + offsetMs));
    await stack.signIn(ADA);
  });
  after(async () => {
    await stack.stop();
  });

  it('forgets answers and Q conversations after 30 days', async () => {
    stack.connector.clear();
    await stack.post(message(stack.serviceUrl, ADA, 'How do I reset my VPN token?'));
    const sent = await stack.connector.waitFor('answer', () => stack.connector.messages()[0]);
    const answerKey = actionsOf(cardOf(sent))[0]?.data.answerKey;

    offsetMs = 31 * 24 * 60 * 60 * 1000;
    const vote = await stack.post(execute(stack.serviceUrl, ADA, sent.returnedId, 'feedback.up', { answerKey }, personalConversationId(ADA)));
    assert.equal(vote.body.value, 'This answer can no longer be rated. Ask the question again to rate a new answer.');
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'PutFeedback').length, 0);

    await stack.post(message(stack.serviceUrl, ADA, 'And from the command line?'));
    const next = await stack.connector.waitFor('next answer', () => stack.connector.messages()[1]);
    assert.match(cardTexts(cardOf(next)).join(' '), /Sources|could not find/);
    const chats = stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.body as Record<string, unknown>);
    assert.equal(chats.at(-1)?.conversationId, undefined, 'a new Q conversation');
  });
});
