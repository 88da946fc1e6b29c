/**
 * Every answer on behalf of the person who asked: Teams SSO (OAuthCard → signin/tokenExchange),
 * token checks, Identity Center and STS through the real AWS SDK clients against the local
 * services, silent renewal, the in-place sign-in of channels, and what people see when it fails.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { LOCAL_AAD_CLIENT_ID } from '../../localdev/directory';
import { cardOf, cardTexts, idcUserIdOf, nextLog, startInProcessStack, startStack, type Stack } from '../helpers/stack';
import {
  channelMention,
  executeInThread,
  GRACE,
  LINUS,
  message,
  personalConversationId,
  teamsUser,
  tokenExchange,
  verifyState,
  type TeamsUser,
} from '../helpers/teamsActivities';

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';

describe('per-user identity (Teams SSO → Identity Center → STS → Q Business)', () => {
  let stack: Stack;

  before(async () => {
    // Public answers in channels: these tests follow sign-in; private answers after sign-in are in ./sharedSpaces.test.ts.
    stack = await startStack({ SHARED_SPACE_ANSWERS: 'public' });
  });
  after(async () => {
    await stack.stop();
  });
  beforeEach(() => {
    stack.connector.clear();
    stack.q.state.reset();
    stack.q.clock.offsetMs = 0;
  });

  const calls = (operation: string) => stack.q.state.calls.filter((call) => call.operation === operation);
  const sentTo = (user: TeamsUser) => stack.connector.messages(personalConversationId(user));

  /** Sends a question and returns the OAuthCard Teams would answer silently. */
  async function askExpectingOAuthCard(user: TeamsUser, question: string): Promise<{ id: string; uri: string }> {
    const before = sentTo(user).length;
    assert.equal((await stack.post(message(stack.serviceUrl, user, question))).status, 200);
    const sent = await stack.connector.waitFor('OAuthCard', () => sentTo(user)[before]);
    const attachment = sent.body.attachments?.[0];
    assert.equal(attachment?.contentType, OAUTH_CARD, `expected an OAuthCard, got ${JSON.stringify(sent.body).slice(0, 300)}`);
    return attachment.content.tokenExchangeResource;
  }

  async function waitForCard(user: TeamsUser, index: number, what: string): Promise<Record<string, any>> {
    return cardOf(await stack.connector.waitFor(what, () => sentTo(user)[index]));
  }

  it('signs in silently with one exchange even when Teams delivers it twice, then answers the waiting question', async () => {
    const alan = teamsUser('Alan Turing');
    const resource = await askExpectingOAuthCard(alan, 'How do I reset my VPN token?');
    assert.equal(resource.uri, `api://botid-${LOCAL_AAD_CLIENT_ID}`);
    assert.match(resource.id, /^[0-9a-f-]{36}$/);
    assert.equal(calls('ChatSync').length, 0, 'no Q call without a session');

    const token = await stack.mintToken({ aadObjectId: alan.aadObjectId });
    const [first, second] = await Promise.all([
      stack.post(tokenExchange(stack.serviceUrl, alan, resource.id, token)),
      stack.post(tokenExchange(stack.serviceUrl, alan, resource.id, token)),
    ]);
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.deepEqual(first.body, { id: resource.id, connectionName: 'AmazonQBusinessTeamsSso' });

    const answer = await waitForCard(alan, 1, 'the waiting question answered');
    assert.match(cardTexts(answer).join(' '), /Sources/);
    assert.equal(calls('CreateTokenWithIAM').length, 1, 'exactly one exchange reached Identity Center');
    assert.equal((calls('CreateTokenWithIAM')[0]?.body as Record<string, unknown>).grantType, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [assume] = calls('AssumeRole');
    assert.equal(calls('AssumeRole').length, 1);
    assert.equal((assume?.body as Record<string, unknown>).providerArn, 'arn:aws:iam::aws:contextProvider/IdentityCenter');
    assert.match(String((assume?.body as Record<string, unknown>).roleSessionName), /^qteams-[0-9a-f]{24}$/, 'no personal data in the session name');
    assert.deepEqual(calls('ChatSync').map((call) => [call.principal, (call.body as Record<string, unknown>).userMessage]), [[idcUserIdOf(alan), 'How do I reset my VPN token?']]);
  });

  it('takes the fallback sign-in (signin/verifyState) the same way', async () => {
    const katherine = teamsUser('Katherine Johnson');
    await askExpectingOAuthCard(katherine, 'How do I report phishing?');
    const response = await stack.post(verifyState(stack.serviceUrl, katherine, await stack.mintToken({ aadObjectId: katherine.aadObjectId })));
    assert.equal(response.status, 200);
    const answer = await waitForCard(katherine, 1, 'answer after fallback sign-in');
    assert.match(cardTexts(answer).join(' '), /Report phishing/);
    assert.equal(calls('ChatSync')[0]?.principal, idcUserIdOf(katherine));
  });

  const rejections: Array<[string, (user: TeamsUser) => Promise<string>, RegExp]> = [
    ['a forged signature', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, signWithUnknownKey: true }), /signature does not match/],
    ['the wrong audience', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, audience: 'api://some-other-app' }), /aud claim/],
    ['the wrong issuer', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, issuer: 'https://login.example.net/tenant/v2.0' }), /iss claim/],
    ['a v1 token', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, issuer: 'https://sts.windows.net/5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e/' }), /accessTokenAcceptedVersion/],
    ['an expired token', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, expiresInSeconds: -600 }), /expired/],
    ['another person’s token', () => stack.mintToken({ aadObjectId: GRACE.aadObjectId }), /another user/],
    ['another tenant’s token', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, tenantId: '0d9b1c55-aaaa-4bbb-8ccc-123456789abc' }), /iss claim|another tenant/],
    ['garbage', async () => 'not-a-jwt', /malformed/],
    ['a token without the exposed scope', (user) => stack.mintToken({ aadObjectId: user.aadObjectId, scope: 'User.Read' }), /access_as_user scope/],
  ];
  for (const [label, makeToken, reason] of rejections) {
    it(`refuses ${label} with 412, logs why without the token, and never calls Identity Center`, async () => {
      const margaret = teamsUser('Margaret Hamilton');
      const resource = await askExpectingOAuthCard(margaret, 'How do I get guest Wi-Fi?');
      const token = await makeToken(margaret);
      const logsBefore = stack.bot.logs.length;
      const response = await stack.post(tokenExchange(stack.serviceUrl, margaret, resource.id, token));
      assert.equal(response.status, 412);
      assert.equal(response.body.failureDetail, 'The token could not be accepted.');
      assert.equal(calls('CreateTokenWithIAM').length, 0);
      assert.match(await nextLog(stack.bot.logs, /SSO token refused/, logsBefore), reason);
      assert.ok(!stack.bot.logs.join('\n').includes(token), 'the token never reaches the logs');
    });
  }

  it('tells a person who is not in Identity Center what their admin must do', async () => {
    const resource = await askExpectingOAuthCard(LINUS, 'How do I reset my VPN token?');
    await stack.post(tokenExchange(stack.serviceUrl, LINUS, resource.id, await stack.mintToken({ aadObjectId: LINUS.aadObjectId })));
    const card = await waitForCard(LINUS, 1, 'identity failure card');
    assert.match(cardTexts(card).join(' '), /isn’t set up for Amazon Q Business[\s\S]*add you to IAM Identity Center/);
    assert.match(cardTexts(card).join(' '), /Request ID for your admin: [0-9a-f-]{36}/);
    assert.match(await nextLog(stack.bot.logs, /sign-in failed/, 0), /InvalidGrantException: No Identity Center user has emails.value matching/);
    assert.equal(calls('ChatSync').length, 0);
  });

  it('explains a role whose trust policy lacks sts:SetContext', async () => {
    const user = teamsUser('Load User 01');
    const resource = await askExpectingOAuthCard(user, 'How do I reset my VPN token?');
    stack.q.state.addFault({ operation: 'AssumeRole', error: 'AccessDenied', message: 'User: arn:aws:sts::111122223333:assumed-role/bot is not authorized to perform: sts:SetContext', count: 1 });
    await stack.post(tokenExchange(stack.serviceUrl, user, resource.id, await stack.mintToken({ aadObjectId: user.aadObjectId })));
    const card = await waitForCard(user, 1, 'role trust card');
    assert.match(cardTexts(card).join(' '), /trusts the bot for sts:AssumeRole and sts:SetContext/);
  });

  it('/signout forgets the session; the next message signs in again through Teams', async () => {
    const user = teamsUser('Load User 03');
    await stack.signIn(user);
    await stack.post(message(stack.serviceUrl, user, '/signout'));
    const card = await waitForCard(user, 1, 'signed out card');
    assert.match(cardTexts(card).join(' '), /next message signs you in again, silently, through Teams/);
    await askExpectingOAuthCard(user, 'How do I reset my VPN token?');
    assert.equal(calls('CreateTokenWithIAM').filter((call) => (call.body as Record<string, unknown>).grantType === 'refresh_token').length, 0, 'the refresh token was forgotten');
  });

  it('when AWS revokes the STS sessions, renews the person’s credentials and answers anyway, with no card about it', async () => {
    const user = teamsUser('Load User 79');
    await stack.signIn(user);
    await stack.post(message(stack.serviceUrl, user, 'How do I reset my VPN token?'));
    await waitForCard(user, 1, 'first answer');
    const refreshesBefore = calls('CreateTokenWithIAM').filter((call) => (call.body as Record<string, unknown>).grantType === 'refresh_token').length;
    assert.equal((await fetch(`${stack.q.url}/_local/identity/revoke-sessions`, { method: 'POST' })).status, 200);

    await stack.post(message(stack.serviceUrl, user, 'How do I report phishing?'));
    const answer = await waitForCard(user, 2, 'answer after the revocation');
    assert.match(cardTexts(answer).join(' '), /Sources/);
    const chats = calls('ChatSync').filter((call) => (call.body as Record<string, unknown>).userMessage === 'How do I report phishing?');
    assert.deepEqual(chats.map((call) => call.principal), [idcUserIdOf(user)], 'the refused attempt never reached Q as anyone; the retry went as the person');
    assert.equal(calls('CreateTokenWithIAM').filter((call) => (call.body as Record<string, unknown>).grantType === 'refresh_token').length, refreshesBefore + 1, 'renewed once with the refresh token');
    assert.equal(sentTo(user).length, 3, 'no sign-in or failure card in between');
  });

  it('in a channel, signs in in place (Universal Actions) and answers in the thread, for the asker only', async () => {
    const user = teamsUser('Load User 04');
    const thread = '19:general@thread.tacv2;messageid=1700000000001';
    await stack.post(channelMention(stack.serviceUrl, user, 'How do I reset my VPN token?', thread));
    const signInCard = cardOf(await stack.connector.waitFor('in-place sign-in card', () => stack.connector.messages(thread)[0]));
    const action = signInCard.actions[0];
    assert.equal(action.type, 'Action.Execute');
    assert.equal(action.verb, 'signin.inplace');

    const someoneElse = await stack.post(executeInThread(stack.serviceUrl, teamsUser('Load User 05'), action.verb, action.data, undefined, thread));
    assert.equal(someoneElse.body.type, 'application/vnd.microsoft.activity.message');
    assert.match(someoneElse.body.value, /belongs to someone else/);

    const challenge = await stack.post(executeInThread(stack.serviceUrl, user, action.verb, action.data, undefined, thread));
    assert.equal(challenge.status, 200);
    assert.equal(challenge.body.statusCode, 401);
    assert.equal(challenge.body.type, 'application/vnd.microsoft.activity.loginRequest');
    assert.equal(challenge.body.value.tokenExchangeResource.uri, `api://botid-${LOCAL_AAD_CLIENT_ID}`);

    const token = await stack.mintToken({ aadObjectId: user.aadObjectId });
    const signedIn = await stack.post(executeInThread(stack.serviceUrl, user, action.verb, action.data, token, thread));
    assert.equal(signedIn.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(cardTexts(signedIn.body.value).join(' '), /Signed in. Your answer follows/);
    const answer = cardOf(await stack.connector.waitFor('answer in the thread', () => stack.connector.messages(thread)[1]));
    assert.match(cardTexts(answer).join(' '), /Sources/);
    assert.match(cardTexts(answer)[0] as string, /^Answer for \*\*Load User 04\*\*$/, 'the card still says whose question it answers');
    assert.deepEqual(answer.refresh?.userIds, [user.id], 'and only the asker gets rating controls');
    assert.equal(calls('ChatSync')[0]?.principal, idcUserIdOf(user));
  });

  it('in a channel, finishes the in-place sign-in after the fallback sign-in pages too', async () => {
    const user = teamsUser('Load User 06');
    const thread = '19:general@thread.tacv2;messageid=1700000000006';
    await stack.post(channelMention(stack.serviceUrl, user, 'How do I get guest Wi-Fi?', thread));
    const action = cardOf(await stack.connector.waitFor('in-place sign-in card', () => stack.connector.messages(thread)[0])).actions[0];
    const token = await stack.mintToken({ aadObjectId: user.aadObjectId });
    const signedIn = await stack.post(executeInThread(stack.serviceUrl, user, action.verb, action.data, token, thread, 'fallback'));
    assert.match(cardTexts(signedIn.body.value).join(' '), /Signed in. Your answer follows/);
    const answer = cardOf(await stack.connector.waitFor('answer in the thread', () => stack.connector.messages(thread)[1]));
    assert.match(cardTexts(answer).join(' '), /Example-Guest/);
  });

  it('on clients without Universal Actions, signs in through a 1:1 chat and answers in the thread', async () => {
    const user = teamsUser('Load User 07');
    const thread = '19:general@thread.tacv2;messageid=1700000000007';
    await stack.post(channelMention(stack.serviceUrl, user, 'How do I report phishing?', thread));
    const card = cardOf(await stack.connector.waitFor('in-place sign-in card', () => stack.connector.messages(thread)[0]));
    const fallback = card.actions[0].fallback;
    assert.equal(fallback.type, 'Action.Submit');

    await stack.post({ ...channelMention(stack.serviceUrl, user, '', thread), text: undefined, entities: [], value: fallback.data });
    const created = await stack.connector.waitFor('a 1:1 chat opened', () => stack.connector.created[0]);
    assert.deepEqual(created.parameters.members.map((member: { id: string }) => member.id), [user.id]);
    const oauth = await stack.connector.waitFor('OAuthCard in the 1:1 chat', () => stack.connector.messages(created.id)[0]);
    assert.equal(oauth.body.attachments[0].contentType, OAUTH_CARD);
    assert.match(cardTexts(cardOf(await stack.connector.waitFor('notice in the thread', () => stack.connector.messages(thread)[1]))).join(' '), /sign-in message in our 1:1 chat/);

    const resource = oauth.body.attachments[0].content.tokenExchangeResource;
    await stack.post(tokenExchange(stack.serviceUrl, user, resource.id, await stack.mintToken({ aadObjectId: user.aadObjectId }), created.id));
    const answer = cardOf(await stack.connector.waitFor('answer in the thread', () => stack.connector.messages(thread)[2]));
    assert.match(cardTexts(answer).join(' '), /Report phishing/);
    assert.match(cardTexts(answer)[0] as string, /Answer for \*\*Load User 07\*\*/);

    // Someone without the app personally gets told how to get it.
    const other = teamsUser('Load User 08');
    await stack.post(channelMention(stack.serviceUrl, other, 'How do I report phishing?', thread));
    const otherCard = cardOf(await stack.connector.waitFor('second sign-in card', () => stack.connector.messages(thread).find((sent, index) => index > 2 && JSON.stringify(sent.body).includes('Sign in to get your answer'))));
    stack.connector.refuseCreate = true;
    await stack.post({ ...channelMention(stack.serviceUrl, other, '', thread), text: undefined, entities: [], value: otherCard.actions[0].fallback.data });
    await stack.connector.waitFor('how to add the app', () => stack.connector.messages(thread).some((sent) => JSON.stringify(sent.body).includes('add the Amazon Q Business app for yourself')));
    stack.connector.refuseCreate = false;
  });

  it('50 people asking at once each get answers made with their own identity', async () => {
    const people = Array.from({ length: 50 }, (_, index) => teamsUser(`Load User ${String(index + 20).padStart(2, '0')}`));
    const questionOf = (user: TeamsUser) => `How do I reset my VPN token? (${user.name})`;
    await Promise.all(
      people.map(async (user) => {
        const resource = await askExpectingOAuthCard(user, questionOf(user));
        await stack.post(tokenExchange(stack.serviceUrl, user, resource.id, await stack.mintToken({ aadObjectId: user.aadObjectId })));
        await waitForCard(user, 1, `${user.name}'s answer`);
      }),
    );
    const chats = calls('ChatSync');
    assert.equal(chats.length, 50);
    for (const user of people) {
      const call = chats.find((candidate) => (candidate.body as Record<string, unknown>).userMessage === questionOf(user));
      assert.equal(call?.principal, idcUserIdOf(user), `${user.name}'s question was asked as ${user.name}`);
    }
    assert.equal(new Set(chats.map((call) => call.accessKeyId)).size, 50, 'fifty different credential sets');
  });

  it('the local Q service checks signatures: someone else’s session key with the wrong secret is refused', async () => {
    const { QBusinessClient, ListConversationsCommand } = await import('@aws-sdk/client-qbusiness');
    const session = [...stack.q.identity.credentials.values()].find((issued) => issued.idcUserId);
    assert.ok(session, 'the suite created identity-aware sessions');
    const forger = new QBusinessClient({
      region: 'us-east-1',
      endpoint: stack.q.url,
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: 'guessed-secret', sessionToken: session.sessionToken },
    });
    await assert.rejects(forger.send(new ListConversationsCommand({ applicationId: stack.q.applicationId })), (error: Error) => error.name === 'InvalidSignatureException');
    const owner = new QBusinessClient({ region: 'us-east-1', endpoint: stack.q.url, credentials: session });
    const listed = await owner.send(new ListConversationsCommand({ applicationId: stack.q.applicationId }));
    assert.ok(Array.isArray(listed.conversations), 'the same request signed with the right secret is served');
    forger.destroy();
    owner.destroy();
  });

  it('hosts the fallback sign-in pages: PKCE, public settings only, no secret', async () => {
    const start = await (await fetch(`${stack.bot.url}/auth-start.html`)).text();
    assert.match(start, /code_challenge_method: 'S256'/);
    const end = await (await fetch(`${stack.bot.url}/auth-end.html`)).text();
    assert.match(end, /code_verifier/);
    assert.match(end, /notifySuccess\(tokens.access_token\)/);
    for (const page of [start, end]) assert.doesNotMatch(page, /client_secret/);
    const settings = (await (await fetch(`${stack.bot.url}/auth/config`)).json()) as Record<string, string>;
    assert.deepEqual(Object.keys(settings).sort(), ['authorityHost', 'clientId', 'scope', 'tenantId']);
    assert.equal(settings.scope, `api://botid-${LOCAL_AAD_CLIENT_ID}/access_as_user`);
  });

  it('never writes a token, refresh token or secret to the logs', () => {
    const logs = stack.bot.logs.join('\n');
    const secrets = [
      ...[...stack.q.identity.refreshTokens.keys()],
      ...[...stack.q.identity.contexts.keys()],
      ...[...stack.q.identity.credentials.values()].flatMap((issued) => [issued.secretAccessKey, issued.sessionToken]),
      'local-test-secret-not-real',
    ];
    assert.ok(secrets.length > 100, 'the suite produced credentials to look for');
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'a secret appeared in the logs');
    assert.doesNotMatch(logs, /eyJ[\w-]{10,}\.[\w-]{10,}\./, 'no JWT in the logs');
  });

  describe('with the bot’s clock under test control', () => {
    let clockOffsetMs = 0;
    let local: Stack;
    before(async () => {
      local = await startInProcessStack(() => new Date(Date.now() + clockOffsetMs));
    });
    after(async () => {
      await local.stop();
    });

    it('renews credentials with the refresh token without any card; when that is refused, silent SSO runs; when that fails, Teams gets 412', async () => {
      const user = teamsUser('Load User 02');
      const sent = () => local.connector.messages(personalConversationId(user));
      const card = async (index: number, what: string) => cardOf(await local.connector.waitFor(what, () => sent()[index]));
      const grants = () => local.q.state.calls.filter((call) => call.operation === 'CreateTokenWithIAM').map((call) => (call.body as Record<string, unknown>).grantType);
      const oauthCards = () => sent().filter((activity) => activity.body.attachments?.[0]?.contentType === OAUTH_CARD);

      await local.signIn(user);
      await local.post(message(local.serviceUrl, user, 'How do I reset my VPN token?'));
      assert.match(cardTexts(await card(1, 'first answer')).join(' '), /Sources/);
      assert.deepEqual(grants(), ['urn:ietf:params:oauth:grant-type:jwt-bearer']);

      // 56 minutes later the one-hour credentials are inside the 5-minute renewal margin.
      clockOffsetMs = 56 * 60 * 1000;
      await local.post(message(local.serviceUrl, user, 'How many days of annual leave do I get?'));
      assert.match(cardTexts(await card(2, 'answer after silent renewal')).join(' '), /Sources/);
      assert.deepEqual(grants(), ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token']);
      assert.equal(oauthCards().length, 0, 'renewal needed no card');

      // Identity Center refuses the refresh token: silent SSO (an OAuthCard Teams answers by itself).
      await fetch(`${local.q.url}/_local/identity/revoke-refresh-tokens`, { method: 'POST' });
      clockOffsetMs = 2 * 56 * 60 * 1000;
      await local.post(message(local.serviceUrl, user, 'How do I get guest Wi-Fi?'));
      const oauth = await local.connector.waitFor('OAuthCard', () => oauthCards()[0]);
      const resource = oauth.body.attachments[0].content.tokenExchangeResource;

      // Silent SSO fails: 412, and Teams shows the card's sign-in button.
      const failed = await local.post(tokenExchange(local.serviceUrl, user, resource.id, 'not-a-jwt'));
      assert.equal(failed.status, 412);
      const signedIn = await local.post(tokenExchange(local.serviceUrl, user, randomUUID(), await local.q.entra.mint({ aadObjectId: user.aadObjectId, expiresInSeconds: 4 * 3600 })));
      assert.equal(signedIn.status, 200);
      assert.match(cardTexts(await card(4, 'answer after signing in again')).join(' '), /Example-Guest/);
    });
  });
});
