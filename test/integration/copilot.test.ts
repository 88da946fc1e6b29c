/**
 * The bot in Microsoft 365 Copilot Chat (custom engine agent), through HTTP: activities shaped as
 * Copilot sends them (msteams channel, productContext and ProductInfo COPILOT, a conversation of
 * their own) get what a Teams 1:1 chat gets — streamed answers ending with the cited card and its
 * votes, Teams SSO with the same fallbacks, help, /new, /signout, and the same clear replies to
 * things that are not questions. Also when Copilot leaves the conversation type out.
 */
import assert from 'node:assert/strict';
import { streamInfoOf, type SentActivity } from '../helpers/fakeConnector';
import { actionsOf, cardOf, cardTexts, suiteStack } from '../helpers/stack';
import { ADA, BOT, copilotConversationId, execute, inCopilot, message, personalConversationId, teamsUser, tokenExchange, verifyState, type TeamsUser } from '../helpers/teamsActivities';

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const VPN = 'How do I reset my VPN token?';

describe('in Microsoft 365 Copilot Chat (custom engine agent)', () => {
  const stack = suiteStack([ADA], { freshConversationFor: ADA, env: { STREAMING: 'on' } });
  const copilotMessages = (user: TeamsUser) => stack.connector.messages(copilotConversationId(user));
  const calls = (operation: string) => stack.q.state.calls.filter((call) => call.operation === operation);

  /** Posts a Copilot-shaped activity (200 expected) and waits for the next message the bot sends to that Copilot chat. */
  async function send(activity: Record<string, unknown>, user: TeamsUser = ADA): Promise<SentActivity> {
    const before = copilotMessages(user).length;
    const response = await stack.post(activity);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return stack.connector.waitFor('the reply in Copilot', () => copilotMessages(user)[before], 30000);
  }

  it('streams the answer (informative update, growing text) and ends with the cited card, its votes and the AI label', async () => {
    stack.q.state.pacing = { firstTokenMs: 200, tokensPerSecond: 80 };
    const final = await send(inCopilot(message(stack.serviceUrl, ADA, VPN)));
    const updates = stack.connector.streamed().filter((sent) => sent.conversationId === copilotConversationId(ADA));
    assert.equal(updates[0]?.info.streamType, 'informative');
    assert.ok(updates.filter((sent) => sent.info.streamType === 'streaming').length >= 1, 'the text grows before the card');
    const info = streamInfoOf(final.body);
    assert.equal(info?.streamType, 'final');
    assert.equal(info?.streamId, updates[0]?.returnedId, 'the card ends the same stream');
    const card = cardOf(final);
    assert.match(cardTexts(card).join('\n'), /Reset token[\s\S]*\[1\][\s\S]*\*\*Sources\*\*/);
    assert.deepEqual(actionsOf(card).map((action) => action.title), ['👍 Helpful', '👎 Not helpful', 'New conversation']);
    assert.ok(final.body.entities.some((entity: Record<string, any>) => entity.additionalType?.includes('AIGeneratedContent')), 'AI label');
    assert.equal(stack.connector.messages(personalConversationId(ADA)).length, 0, 'nothing went to the Teams 1:1 chat');
    assert.equal(calls('Chat').length, 1);
  });

  it('a vote on the streamed card reaches PutFeedback on that answer’s message', async () => {
    await send(inCopilot(message(stack.serviceUrl, ADA, 'How do I report phishing?')));
    const final = await send(inCopilot(message(stack.serviceUrl, ADA, VPN)));
    const up = actionsOf(cardOf(final)).find((action) => action.title === '👍 Helpful');
    const response = await stack.post(inCopilot(execute(stack.serviceUrl, ADA, final.returnedId, up?.verb, up?.data)));
    assert.equal(response.status, 200);
    const feedback = calls('PutFeedback');
    assert.equal(feedback.length, 1);
    const lastChat = calls('Chat').at(-1);
    assert.ok(lastChat?.conversationId, 'the second question continued the Copilot chat’s Q conversation');
    assert.equal(feedback[0]?.conversationId, lastChat.conversationId);
    const conversation = stack.q.state.conversations.get(lastChat.conversationId);
    assert.equal(feedback[0]?.messageId, conversation?.messages.at(-1)?.messageId, 'the second answer, not the first, is rated');
    assert.notEqual(feedback[0]?.messageId, conversation?.messages[1]?.messageId);
    assert.equal((feedback[0]?.body as Record<string, any>).messageUsefulness.usefulness, 'USEFUL');
  });

  it('still streams when Copilot sends no conversation type, recognised from either mark alone', async () => {
    for (const marks of ['productContext', 'entity'] as const) {
      stack.connector.clear();
      const final = await send(inCopilot(message(stack.serviceUrl, ADA, VPN), { conversationType: 'absent', marks }));
      assert.equal(streamInfoOf(final.body)?.streamType, 'final', `${marks}: streamed, as in a 1:1 chat`);
      assert.match(cardTexts(cardOf(final)).join(' '), /Sources/);
    }
    // A sender writing the Agents SDK's compound id into channelId: the front door lets it through, the bot sees Copilot.
    stack.connector.clear();
    const plain = message(stack.serviceUrl, ADA, VPN);
    const compound = { ...plain, channelId: 'msteams:COPILOT', conversation: { id: copilotConversationId(ADA), tenantId: (plain.conversation as { tenantId: string }).tenantId } };
    const final = await send(compound);
    assert.equal(streamInfoOf(final.body)?.streamType, 'final', 'msteams:COPILOT: streamed');
  });

  it('help, /new and /signout work as in a Teams 1:1 chat', async () => {
    const help = await send(inCopilot(message(stack.serviceUrl, ADA, 'help')));
    assert.match(cardTexts(cardOf(help)).join(' '), /\/new/);

    await send(inCopilot(message(stack.serviceUrl, ADA, 'How do I report phishing?')));
    const started = await send(inCopilot(message(stack.serviceUrl, ADA, '/new')));
    assert.match(JSON.stringify(started.body), /Started a new conversation/);
    await send(inCopilot(message(stack.serviceUrl, ADA, 'How do I get guest Wi-Fi?')));
    assert.equal(calls('Chat')[1]?.conversationId, undefined, 'after /new, Q starts a new conversation');

    const signedOut = await send(inCopilot(message(stack.serviceUrl, ADA, '/signout')));
    assert.match(JSON.stringify(signedOut.body), /signed out/i);
    const again = await send(inCopilot(message(stack.serviceUrl, ADA, VPN)));
    assert.equal(again.body.attachments?.[0]?.contentType, OAUTH_CARD, 'the next question signs in again through SSO');
    const answeredBefore = copilotMessages(ADA).length;
    const exchange = await stack.post(inCopilot(tokenExchange(stack.serviceUrl, ADA, again.body.attachments[0].content.tokenExchangeResource.id, await stack.mintToken({ aadObjectId: ADA.aadObjectId }))));
    assert.equal(exchange.status, 200);
    // Only a message sent after the exchange counts: the earlier answers also list sources.
    await stack.connector.waitFor('the waiting question answered', () => copilotMessages(ADA).slice(answeredBefore).find((sent) => /Sources/.test(JSON.stringify(sent.body))), 30000);
  });

  for (const conversationType of ['personal', 'absent'] as const) {
    it(`sign-in required (conversation type ${conversationType}): OAuthCard for Teams SSO, 412 on a failed exchange, then the answer`, async () => {
      const user = teamsUser(conversationType === 'personal' ? 'Alan Turing' : 'Katherine Johnson');
      const card = await send(inCopilot(message(stack.serviceUrl, user, VPN), { conversationType }), user);
      assert.equal(card.body.attachments?.[0]?.contentType, OAUTH_CARD, `SSO, not the in-place card of shared spaces: ${JSON.stringify(card.body).slice(0, 200)}`);
      const resource = card.body.attachments[0].content.tokenExchangeResource;
      assert.match(resource.uri, /^api:\/\/botid-/);
      assert.equal(calls('Chat').length + calls('ChatSync').length, 0, 'no Q call before sign-in');

      const failed = await stack.post(inCopilot(tokenExchange(stack.serviceUrl, user, resource.id, 'not-a-jwt'), { conversationType }));
      assert.equal(failed.status, 412, 'Copilot falls back to the sign-in button');

      const token = await stack.mintToken({ aadObjectId: user.aadObjectId });
      const signedIn = conversationType === 'personal'
        ? await stack.post(inCopilot(tokenExchange(stack.serviceUrl, user, `${resource.id}-retry`, token), { conversationType }))
        : await stack.post(inCopilot(verifyState(stack.serviceUrl, user, token), { conversationType }));
      assert.equal(signedIn.status, 200);
      const answer = await stack.connector.waitFor('the waiting question answered', () => copilotMessages(user).find((sent) => /Sources/.test(JSON.stringify(sent.body))), 30000);
      assert.match(cardTexts(cardOf(answer)).join(' '), /Reset token/);
      assert.equal(stack.connector.messages(personalConversationId(user)).length, 0, 'everything stayed in Copilot');
    });
  }

  it('answers what is not a question exactly as a Teams 1:1 chat does, never with a 5xx', async () => {
    const mentionOnly = (text: string) => ({ type: 'mention', text, mentioned: BOT });
    const inputs: Array<[string, (conversation: 'teams' | 'copilot') => Record<string, unknown>]> = [
      ['empty', () => message(stack.serviceUrl, ADA, '')],
      ['only spaces', () => message(stack.serviceUrl, ADA, '   ')],
      ['only an @mention', () => ({ ...message(stack.serviceUrl, ADA, `<at>${BOT.name}</at>`), entities: [mentionOnly(`<at>${BOT.name}</at>`)] })],
      ['7,001 characters', () => message(stack.serviceUrl, ADA, 'x'.repeat(7001))],
    ];
    for (const [name, build] of inputs) {
      const teamsBefore = stack.connector.messages(personalConversationId(ADA)).length;
      const teams = await stack.post(build('teams'));
      const teamsReply = await stack.connector.waitFor(`${name} in Teams`, () => stack.connector.messages(personalConversationId(ADA))[teamsBefore]);
      const copilotReply = await send(inCopilot(build('copilot')));
      assert.equal(teams.status, 200, name);
      assert.deepEqual(cardTexts(cardOf(copilotReply)), cardTexts(cardOf(teamsReply)), `${name}: the same reply as in Teams`);
    }
    assert.match(cardTexts(cardOf(stack.connector.messages(copilotConversationId(ADA)).at(-1) as SentActivity)).join(' '), /up to 7,000 characters; yours has 7,001/);
    assert.equal(calls('Chat').length + calls('ChatSync').length, 0, 'none of them reached Q');
  });
});
