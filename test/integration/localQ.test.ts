/**
 * The local Q Business service against the official API model, through the unmodified AWS SDK
 * clients: error members, optional fields, pagination, feedback validation, no-answer answers.
 */
import assert from 'node:assert/strict';
import { ChatSyncCommand, ListConversationsCommand, PutFeedbackCommand, QBusinessClient, QBusinessServiceException } from '@aws-sdk/client-qbusiness';
import { CreateTokenWithIAMCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { LOCAL_IDC_APPLICATION_ARN } from '../../localdev/directory';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { identityAwareCredentials } from '../helpers/localCredentials';
import { DOCUMENTS, LOCAL_CREDENTIALS } from '../helpers/stack';
import { ADA } from '../helpers/teamsActivities';

async function failure(promise: Promise<unknown>): Promise<QBusinessServiceException & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as QBusinessServiceException & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('local Q Business service (official API model, through the AWS SDK)', () => {
  let q: LocalServices;
  let client: QBusinessClient;
  before(async () => {
    q = await startLocalServices({ documentsFolder: DOCUMENTS });
    client = new QBusinessClient({ region: 'us-east-1', endpoint: q.url, credentials: await identityAwareCredentials(q, ADA), maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await q.close();
  });
  const chat = (userMessage: string, more: Record<string, unknown> = {}) => client.send(new ChatSyncCommand({ applicationId: q.applicationId, userMessage, ...more }));

  it('answers a question the documents do not cover with Q\'s no-answer message and no sources', async () => {
    const output = await chat('Who won the 1998 football world cup?');
    assert.equal(output.systemMessage, "Sorry, I couldn't find enough information to answer.");
    assert.deepEqual(output.sourceAttributions, []);
    const covered = await chat('How do I reset my VPN token?');
    assert.ok((covered.sourceAttributions ?? []).length > 0, 'a covered question still gets sources');
  });

  // Issue 19, items 1 and 2: the playground must behave as the README says Q does mid-conversation.
  describe('follow-ups in a conversation', () => {
    const followUp = (previous: { conversationId?: string; systemMessageId?: string }, userMessage: string) =>
      chat(userMessage, { conversationId: previous.conversationId, parentMessageId: previous.systemMessageId });

    it('answers an unrelated question mid-conversation with the no-answer message, not the previous topic', async () => {
      const first = await chat('How do I reset my VPN token?');
      const second = await followUp(first, 'How do I reset it from the command line?');
      assert.match(second.systemMessage ?? '', /corp-cli vpn token reset/);
      const offTopic = await followUp(second, 'Who won the 1998 football world cup?');
      assert.equal(offTopic.systemMessage, "Sorry, I couldn't find enough information to answer.");
      assert.deepEqual(offTopic.sourceAttributions, []);
      const newTopic = await followUp(offTopic, 'How many days of annual leave do I get?');
      assert.match(newTopic.systemMessage ?? '', /25 days of paid annual leave/, 'a new covered topic mid-conversation is answered');
      assert.equal(newTopic.sourceAttributions?.[0]?.documentId, 'pto-policy');
    });

    it('answers what a follow-up asks (the passage matching it), not the previous answer again', async () => {
      const first = await chat('How do I reset my VPN token?');
      assert.match(first.systemMessage ?? '', /Open the self-service portal/);
      const validity = await followUp(first, 'How long is the token valid?');
      assert.match(validity.systemMessage ?? '', /valid for 24 hours/);
      assert.doesNotMatch(validity.systemMessage ?? '', /self-service portal at|Security devices|corp-cli/, 'the reset steps are not repeated');
      const [source] = validity.sourceAttributions ?? [];
      assert.equal(source?.documentId, 'vpn-token-reset');
      const [segment] = source?.textMessageSegments ?? [];
      assert.equal((validity.systemMessage ?? '').slice(segment?.beginOffset, segment?.endOffset), validity.systemMessage, 'the segment covers exactly the passage');
    });

    it('uses the earlier question only to pick between passages ("how long is it valid?" after guest Wi-Fi vs VPN)', async () => {
      const wifi = await chat('How do visitors get guest Wi-Fi?');
      assert.match((await followUp(wifi, 'How long is it valid?')).systemMessage ?? '', /valid for 12 hours/);
      const vpn = await chat('How do I reset my VPN token?');
      const answer = await followUp(vpn, 'How long is it valid?');
      assert.match(answer.systemMessage ?? '', /valid for 24 hours/);
      assert.doesNotMatch(answer.systemMessage ?? '', /12 hours/);
    });
  });

  it('leaves systemMessage out of plugin turns and gives plugins a model-valid id', async () => {
    const output = await chat('Please create a ticket for my broken monitor');
    assert.equal('systemMessage' in output, false);
    assert.match(output.actionReview?.pluginId ?? '', /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
  });

  it('gives ValidationException a reason, ResourceNotFoundException a resource id and type', async () => {
    const tooLong = await failure(chat('x'.repeat(7001)));
    assert.equal(tooLong.name, 'ValidationException');
    assert.equal(tooLong.reason, 'FIELD_VALIDATION_FAILED');
    const gone = await failure(chat('Can I carry unused days over?', { conversationId: '0a1b2c3d-0000-4000-8000-000000000000', parentMessageId: '0a1b2c3d-0000-4000-8000-000000000001' }));
    assert.equal(gone.name, 'ResourceNotFoundException');
    assert.equal(gone.resourceId, '0a1b2c3d-0000-4000-8000-000000000000');
    assert.equal(gone.resourceType, 'CONVERSATION');
  });

  it('pages ListConversations with maxResults and nextToken, and refuses maxResults outside 1–100', async () => {
    const all = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const output = await client.send(new ListConversationsCommand({ applicationId: q.applicationId, maxResults: 1, ...(nextToken ? { nextToken } : {}) }));
      assert.ok((output.conversations ?? []).length <= 1);
      for (const conversation of output.conversations ?? []) all.add(conversation.conversationId ?? '');
      nextToken = output.nextToken;
      pages += 1;
    } while (nextToken);
    const mine = [...q.state.conversations.values()].filter((conversation) => conversation.principal === q.state.calls.find((call) => call.operation === 'ChatSync')?.principal);
    assert.equal(all.size, mine.length);
    assert.ok(pages >= 3, `several pages (${pages})`);
    const refused = await failure(client.send(new ListConversationsCommand({ applicationId: q.applicationId, maxResults: 101 })));
    assert.equal(refused.name, 'ValidationException');
  });

  it('refuses PutFeedback with an unknown reason or a comment over 1,000 characters', async () => {
    const answer = await chat('How do I report phishing?');
    const feedback = (messageUsefulness: Record<string, unknown>) =>
      client.send(new PutFeedbackCommand({ applicationId: q.applicationId, conversationId: answer.conversationId, messageId: answer.systemMessageId, messageUsefulness: { submittedAt: new Date(), ...messageUsefulness } as never }));
    assert.equal((await failure(feedback({ usefulness: 'NOT_USEFUL', reason: 'BORING' }))).name, 'ValidationException');
    assert.equal((await failure(feedback({ usefulness: 'NOT_USEFUL', reason: 'OTHER', comment: 'x'.repeat(1001) }))).name, 'ValidationException');
    await feedback({ usefulness: 'NOT_USEFUL', reason: 'OTHER', comment: 'x'.repeat(1000) });
  });

  it('returns an injected Identity Center InternalServerException as a 5xx', async () => {
    q.state.addFault({ operation: 'CreateTokenWithIAM', error: 'InternalServerException', count: 1 });
    const idc = new SSOOIDCClient({ region: 'us-east-1', endpoint: q.url, credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY }, maxAttempts: 1 });
    const error = await failure(idc.send(new CreateTokenWithIAMCommand({ clientId: LOCAL_IDC_APPLICATION_ARN, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'x' })));
    idc.destroy();
    assert.equal(error.name, 'InternalServerException');
    assert.equal(error.$metadata.httpStatusCode, 500);
  });
});
