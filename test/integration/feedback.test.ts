/**
 * 👍/👎 from the answer card to Q Business PutFeedback, through Teams-shaped invokes
 * (Action.Execute) and message submits (the Action.Submit fallback).
 */
import assert from 'node:assert/strict';
import { actionsOf, cardOf, cardTexts, idcUserIdOf, suiteStack } from '../helpers/stack';
import { ADA, execute, GRACE, message, personalConversationId, submit } from '../helpers/teamsActivities';

interface AskedAnswer {
  answerKey: string;
  messageId: string;
  qConversationId: string;
  systemMessageId: string;
}

describe('feedback on answers (Action.Execute and Action.Submit fallback → PutFeedback)', () => {
  const stack = suiteStack([ADA]);

  async function askAnswer(): Promise<AskedAnswer> {
    const count = stack.connector.messages().length;
    await stack.post(message(stack.serviceUrl, ADA, '/new'));
    await stack.post(message(stack.serviceUrl, ADA, 'How do I reset my VPN token?'));
    const sent = await stack.connector.waitFor('answer card', () => stack.connector.messages()[count + 1]);
    const card = cardOf(sent);
    const answerKey = actionsOf(card)[0]?.data.answerKey as string;
    const conversation = [...stack.q.state.conversations.values()].at(-1);
    assert.ok(answerKey && conversation);
    return { answerKey, messageId: sent.returnedId, qConversationId: conversation.conversationId, systemMessageId: conversation.messages[1]?.messageId as string };
  }

  const feedbackCalls = () => stack.q.state.calls.filter((call) => call.operation === 'PutFeedback');

  async function click(answer: AskedAnswer, verb: string, data: Record<string, unknown> = {}, user = ADA) {
    const response = await stack.post(execute(stack.serviceUrl, user, answer.messageId, verb, { answerKey: answer.answerKey, ...data }, personalConversationId(ADA)));
    assert.equal(response.status, 200);
    assert.equal(response.body.statusCode, 200);
    return response.body as { type: string; value: any };
  }

  it('👍 sends USEFUL for the right conversation and message, and updates the card in place', async () => {
    const answer = await askAnswer();
    const reply = await click(answer, 'feedback.up');
    assert.equal(reply.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(cardTexts(reply.value).join(' '), /You rated this answer as helpful/);
    assert.match(cardTexts(reply.value).join(' '), /Sources/, 'the answer itself is still on the card');
    assert.deepEqual(actionsOf(reply.value).map((action) => action.title), ['👎 Change to not helpful', 'New conversation']);

    const [call] = feedbackCalls();
    assert.equal(call?.conversationId, answer.qConversationId);
    assert.equal(call?.messageId, answer.systemMessageId);
    assert.equal(call?.principal, idcUserIdOf(ADA), 'feedback recorded as the person who asked');
    const usefulness = (call?.body as any).messageUsefulness;
    assert.equal(usefulness.usefulness, 'USEFUL');
    assert.equal(typeof usefulness.submittedAt, 'number', 'timestamp travels as epoch seconds');

    const update = await stack.connector.waitFor('message update', () => stack.connector.updates()[0]);
    assert.equal(update.activityId, answer.messageId);
    assert.deepEqual(cardOf(update), reply.value);
    assert.deepEqual(update.body.entities?.[0]?.additionalType, ['AIGeneratedContent']);
  });

  it('a double click sends one record, and repeating the same vote sends nothing', async () => {
    const answer = await askAnswer();
    const replies = await Promise.all([click(answer, 'feedback.up'), click(answer, 'feedback.up')]);
    for (const reply of replies) assert.match(cardTexts(reply.value).join(' '), /helpful/);
    assert.equal(feedbackCalls().length, 1);
    await click(answer, 'feedback.up');
    assert.equal(feedbackCalls().length, 1);
  });

  it('👎 opens the reasons form without calling Q; sending it records NOT_USEFUL with reason and comment', async () => {
    const answer = await askAnswer();
    const form = await click(answer, 'feedback.down');
    const json = JSON.stringify(form.value);
    assert.match(json, /"type":"Input.ChoiceSet","id":"reason"/);
    for (const reason of ['NOT_FACTUALLY_CORRECT', 'INCORRECT_OR_MISSING_SOURCES', 'NOT_HELPFUL', 'HARMFUL_OR_UNSAFE', 'NOT_COMPLETE', 'NOT_CONCISE', 'NOT_BASED_ON_DOCUMENTS', 'OTHER']) {
      assert.match(json, new RegExp(`"value":"${reason}"`));
    }
    assert.match(json, /"maxLength":1000/);
    assert.equal(feedbackCalls().length, 0);
    // The form is the clicker's view, from the invoke response: the message is not replaced under them (a
    // replaced card re-renders, and a form being filled in would lose its values).
    assert.deepEqual(stack.connector.updates(), [], 'opening the form leaves the message as it is');

    const recorded = await click(answer, 'feedback.submitNegative', { reason: 'INCORRECT_OR_MISSING_SOURCES', comment: '  The portal link is outdated.  ' });
    assert.match(cardTexts(recorded.value).join(' '), /not helpful: Incorrect or missing sources/);
    const update = await stack.connector.waitFor('message update', () => stack.connector.updates()[0]);
    assert.match(cardTexts(cardOf(update)).join(' '), /not helpful: Incorrect or missing sources/, 'the recorded vote changes the message');
    const usefulness = (feedbackCalls()[0]?.body as any).messageUsefulness;
    assert.deepEqual({ usefulness: usefulness.usefulness, reason: usefulness.reason, comment: usefulness.comment }, {
      usefulness: 'NOT_USEFUL',
      reason: 'INCORRECT_OR_MISSING_SOURCES',
      comment: 'The portal link is outdated.',
    });

    const changed = await click(answer, 'feedback.up');
    assert.match(cardTexts(changed.value).join(' '), /as helpful/);
    assert.deepEqual(feedbackCalls().map((call) => (call.body as any).messageUsefulness.usefulness), ['NOT_USEFUL', 'USEFUL']);
  });

  it('Cancel closes the form; bad reasons and over-long comments are refused on the card', async () => {
    const answer = await askAnswer();
    await click(answer, 'feedback.down');
    const cancelled = await click(answer, 'feedback.cancel');
    assert.deepEqual(actionsOf(cancelled.value).map((action) => action.title), ['👍 Helpful', '👎 Not helpful', 'New conversation']);

    const badReason = await click(answer, 'feedback.submitNegative', { reason: 'BECAUSE' });
    assert.match(cardTexts(badReason.value).join(' '), /Pick one of the reasons/);
    const longComment = await click(answer, 'feedback.submitNegative', { reason: 'OTHER', comment: 'x'.repeat(1001) });
    assert.match(cardTexts(longComment.value).join(' '), /up to 1000 characters; yours has 1001/);
    assert.equal(feedbackCalls().length, 0);
    assert.deepEqual(stack.connector.updates(), [], 'no vote recorded: the form, Cancel and refused forms never replace the message');
  });

  it('only the person who asked can rate the answer', async () => {
    const answer = await askAnswer();
    const reply = await click(answer, 'feedback.up', {}, GRACE);
    assert.equal(reply.type, 'application/vnd.microsoft.activity.message');
    assert.equal(reply.value, 'Only Ada Lovelace can rate this answer.');
    assert.equal(feedbackCalls().length, 0);
  });

  it('card data cannot point a vote at another answer it does not own', async () => {
    const answer = await askAnswer();
    const reply = await click({ ...answer, answerKey: 'made-up-key' }, 'feedback.up');
    assert.match(reply.value, /can no longer be rated/);
    assert.equal(feedbackCalls().length, 0);
  });

  it('the Action.Submit fallback records the vote and edits the message', async () => {
    const answer = await askAnswer();
    const response = await stack.post(submit(stack.serviceUrl, ADA, answer.messageId, { verb: 'feedback.up', answerKey: answer.answerKey }));
    assert.equal(response.status, 200);
    const update = await stack.connector.waitFor('message update', () => stack.connector.updates()[0]);
    assert.equal(update.activityId, answer.messageId);
    assert.match(cardTexts(cardOf(update)).join(' '), /as helpful/);
    assert.equal(feedbackCalls().length, 1);
  });

  it('when Q refuses the feedback the card says so and the vote can be sent again', async () => {
    const answer = await askAnswer();
    stack.q.state.addFault({ operation: 'PutFeedback', error: 'AccessDeniedException', count: 1 });
    const refused = await click(answer, 'feedback.up');
    assert.match(cardTexts(refused.value).join(' '), /could not be recorded \(AccessDeniedException\)/);
    assert.deepEqual(actionsOf(refused.value).map((action) => action.title)[0], '👍 Helpful', 'vote not shown as recorded');
    const accepted = await click(answer, 'feedback.up');
    assert.match(cardTexts(accepted.value).join(' '), /as helpful/);
    assert.equal(feedbackCalls().filter((call) => !call.faultInjected).length, 1);
  });
});
