/**
 * The playground's sign-in (DEV_LOCAL_SIGN_IN) for people it does and does not know (issue 19,
 * item 8): someone outside the sample directory gets the bot's "not set up" card, as a real
 * person missing from IAM Identity Center would, never "something went wrong".
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cardOf, cardTexts, nextLog, startStack, type Stack } from '../helpers/stack';
import { ADA, LINUS, message, personalConversationId, type TeamsUser } from '../helpers/teamsActivities';

describe('playground sign-in (DEV_LOCAL_SIGN_IN) for known and unknown people', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ DEV_LOCAL_SIGN_IN: 'true' });
  });
  after(async () => {
    await stack.stop();
  });

  async function ask(user: TeamsUser, question: string): Promise<string> {
    const sentTo = () => stack.connector.messages(personalConversationId(user));
    const before = sentTo().length;
    assert.equal((await stack.post(message(stack.serviceUrl, user, question))).status, 200);
    return cardTexts(cardOf(await stack.connector.waitFor(`a card for ${user.name}`, () => sentTo()[before]))).join(' ');
  }

  it('signs a sample person in through the local issuer and answers', async () => {
    assert.match(await ask(ADA, 'How do I reset my VPN token?'), /Sources/);
  });

  it('tells someone the playground does not know that their account is not set up, with no 5xx or stack', async () => {
    const stranger: TeamsUser = { id: '29:local-user-bob', name: 'Bob Stranger', aadObjectId: randomUUID() };
    const logsBefore = stack.bot.logs.length;
    const texts = await ask(stranger, 'How do I reset my VPN token?');
    assert.match(texts, /isn’t set up for Amazon Q Business[\s\S]*add you to IAM Identity Center/);
    assert.doesNotMatch(texts, /something went wrong/i);
    const refusal = stack.q.state.calls.find((call) => call.operation === 'CreateTokenWithIAM');
    assert.ok(refusal, 'the refusal came from Identity Center, as for a real person it has no user for');
    // The bot's log lines arrive through a pipe and may trail the card: wait for the refusal's line.
    await nextLog(stack.bot.logs, /InvalidGrantException: No Identity Center user/, logsBefore);
    const logs = stack.bot.logs.slice(logsBefore).join('\n');
    assert.doesNotMatch(logs, /"level":50|\bat [\w.<>]+ \(/, 'no error line and no stack');
    assert.equal(stack.q.state.calls.filter((call) => call.operation === 'ChatSync').length, 1, 'only Ada reached Q');
  });

  it('gives a hand-made activity without an Entra object id a sign-in card, not "something went wrong"', async () => {
    const nobody = { id: '29:no-object-id', name: 'No Object Id', aadObjectId: undefined } as unknown as TeamsUser;
    const texts = await ask(nobody, 'How do I reset my VPN token?');
    assert.match(texts, /Sign-in didn’t work/);
    assert.doesNotMatch(texts, /something went wrong/i);
  });

  it('gives Linus Pauling (in Entra, deliberately not in Identity Center) the same card', async () => {
    assert.match(await ask(LINUS, 'How do I reset my VPN token?'), /isn’t set up for Amazon Q Business/);
  });
});
