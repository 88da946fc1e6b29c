/**
 * Q Business plugin turns: the review form built from `actionReview`, submit → ChatSync with
 * `actionExecution` (typed values, the right conversation), cancel → nothing runs, asker-only,
 * and the plugin sign-in (`authChallengeRequest` → `authChallengeResponse`).
 */
import assert from 'node:assert/strict';
import { cardOf, cardTexts, suiteStack } from '../helpers/stack';
import { ADA, execute, GRACE, message, personalConversationId } from '../helpers/teamsActivities';
import { libraryErrors, schemaErrors } from '../helpers/cardValidation';

describe('Q Business plugin actions (review form, execution, plugin sign-in)', () => {
  const stack = suiteStack([ADA]);

  const chats = () => stack.q.state.calls.filter((call) => call.operation === 'ChatSync').map((call) => call.body as Record<string, any>);

  async function askForForm(text: string): Promise<{ card: Record<string, any>; messageId: string }> {
    await stack.post(message(stack.serviceUrl, ADA, '/new'));
    await stack.connector.waitFor('reset', () => stack.connector.messages().length === 1);
    await stack.post(message(stack.serviceUrl, ADA, text));
    const sent = await stack.connector.waitFor('plugin card', () => stack.connector.messages()[1]);
    return { card: cardOf(sent), messageId: sent.returnedId };
  }

  async function click(messageId: string, verb: string, data: Record<string, unknown>, user = ADA) {
    const response = await stack.post(execute(stack.serviceUrl, user, messageId, verb, data, personalConversationId(ADA)));
    assert.equal(response.status, 200);
    return response.body as { type: string; value: any };
  }

  it('renders the action review as a valid form with each field, its type, choices and prefilled value', async () => {
    const { card } = await askForForm('Please create a ticket for my VPN token that stopped syncing');
    assert.deepEqual(schemaErrors(card), []);
    assert.deepEqual(libraryErrors(card), []);
    const inputs = Object.fromEntries(card.body.filter((element: any) => element.type.startsWith('Input.')).map((input: any) => [input.id, input]));
    assert.deepEqual(Object.keys(inputs), ['field:summary', 'field:project', 'field:priority', 'field:description', 'field:notifyReporter'], 'in display order');
    assert.equal(inputs['field:summary'].type, 'Input.Text');
    assert.equal(inputs['field:summary'].isRequired, true);
    assert.equal(inputs['field:summary'].value, 'my VPN token that stopped syncing');
    assert.deepEqual(inputs['field:project'].choices, [{ title: 'IT Service Desk', value: 'IT' }, { title: 'Facilities', value: 'FAC' }]);
    assert.equal(inputs['field:notifyReporter'].type, 'Input.Toggle');
    assert.equal(inputs['field:notifyReporter'].value, 'true');
    assert.match(cardTexts(card)[0] as string, /Review before anything is sent to Jira/);
    assert.deepEqual(card.actions.map((action: any) => action.title), ['Submit', 'Cancel']);
  });

  it('submit sends the reviewed values as actionExecution in the same conversation and shows the result', async () => {
    const { card, messageId } = await askForForm('Create a ticket about the broken projector in room 4');
    const submit = card.actions[0];
    const reply = await click(messageId, submit.verb, {
      ...submit.data,
      'field:summary': 'Projector in room 4 is broken',
      'field:project': 'FAC',
      'field:priority': 'High',
      'field:description': 'No image since Monday',
      'field:notifyReporter': 'false',
    });
    assert.match(cardTexts(reply.value).join(' '), /Sent to Jira\. The result follows/);
    const result = await stack.connector.waitFor('execution result', () => stack.connector.messages()[2]);
    assert.match(cardTexts(cardOf(result)).join(' '), /Created \*\*FAC-1001\*\* in Jira: Projector in room 4 is broken \(priority High\)/);

    const [review, execution] = chats().slice(-2);
    const conversation = [...stack.q.state.conversations.values()].find((candidate) => candidate.conversationId === execution?.conversationId);
    assert.ok(conversation, 'the execution continues the conversation of the review');
    assert.equal(execution?.parentMessageId, conversation.messages.filter((entry) => entry.type === 'SYSTEM')[0]?.messageId, 'continues from the review message');
    assert.ok(review?.userMessage);
    assert.deepEqual(execution?.actionExecution, {
      pluginId: 'a7c5e1f0-3b2d-4c8e-9f10-6d4e2a1b0c9f',
      payloadFieldNameSeparator: '.',
      payload: {
        summary: { value: 'Projector in room 4 is broken' },
        project: { value: 'FAC' },
        priority: { value: 'High' },
        description: { value: 'No image since Monday' },
        notifyReporter: { value: false },
      },
    });

    const again = await click(messageId, submit.verb, submit.data);
    assert.equal(again.value, 'This action is no longer waiting: ask again to start over.', 'a second submit runs nothing');
    assert.equal(chats().filter((body) => body.actionExecution).length, 1);
  });

  it('cancel runs nothing; a missing required field keeps the form; others cannot act', async () => {
    const { card, messageId } = await askForForm('Open a ticket for a new monitor');
    const [submit, cancel] = card.actions;
    const stranger = await click(messageId, submit.verb, { ...submit.data, 'field:summary': 'x', 'field:project': 'IT' }, GRACE);
    assert.equal(stranger.value, 'Only the person who asked can review this action.');
    const incomplete = await click(messageId, submit.verb, { ...submit.data, 'field:summary': '  ', 'field:project': 'IT' });
    assert.match(cardTexts(incomplete.value).join(' '), /Summary is required/);
    const cancelled = await click(messageId, cancel.verb, cancel.data);
    assert.match(cardTexts(cancelled.value).join(' '), /Cancelled: nothing was sent to Jira/);
    assert.equal(chats().filter((body) => body.actionExecution).length, 0);
  });

  it('asks for the plugin sign-in and resumes with authChallengeResponse', async () => {
    const { card, messageId } = await askForForm('Show my Jira issues');
    const [open, resume] = card.actions;
    assert.equal(open.type, 'Action.OpenUrl');
    assert.equal(open.url, 'https://auth.example.com/oauth/authorize?client_id=local-jira&response_type=code');
    const reply = await click(messageId, resume.verb, resume.data);
    assert.equal(reply.type, 'application/vnd.microsoft.card.adaptive');
    const result = await stack.connector.waitFor('result after plugin sign-in', () => stack.connector.messages()[2]);
    assert.match(cardTexts(cardOf(result)).join(' '), /You have 2 open Jira issues/);
    assert.deepEqual(chats().at(-1)?.authChallengeResponse, { responseMap: {} });
  });
});
