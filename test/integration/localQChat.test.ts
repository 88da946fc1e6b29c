/**
 * The local Q Business `Chat` operation through the unmodified SDK (`ChatCommand`): HTTP/2
 * event streams both ways, chained frame signatures, the same answers as ChatSync, and faults
 * that break the stream midway.
 */
import assert from 'node:assert/strict';
import { ChatCommand, ChatSyncCommand, QBusinessClient, type ChatInputStream, type ChatOutputStream } from '@aws-sdk/client-qbusiness';
import { eventStreamPayloadHandlerProvider } from '@aws-sdk/eventstream-handler-node';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { identityAwareCredentials, type SessionCredentials } from '../helpers/localCredentials';
import { DOCUMENTS } from '../helpers/stack';
import { ADA } from '../helpers/teamsActivities';

async function* question(userMessage: string): AsyncIterable<ChatInputStream> {
  yield { configurationEvent: { chatMode: 'RETRIEVAL_MODE' } };
  yield { textEvent: { userMessage } };
  yield { endOfInputEvent: {} };
}

async function collect(output: AsyncIterable<ChatOutputStream> | undefined): Promise<ChatOutputStream[]> {
  const events: ChatOutputStream[] = [];
  for await (const event of output ?? []) events.push(event);
  return events;
}

describe('local Q Business Chat (streaming, through the AWS SDK)', () => {
  let q: LocalServices;
  let credentials: SessionCredentials;
  let client: QBusinessClient;
  before(async () => {
    q = await startLocalServices({ documentsFolder: DOCUMENTS, pacing: { firstTokenMs: 0, tokensPerSecond: 2000 } });
    credentials = await identityAwareCredentials(q, ADA);
    client = new QBusinessClient({ region: 'us-east-1', endpoint: q.url, credentials, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await q.close();
  });
  const chat = (userMessage: string, target = client) => target.send(new ChatCommand({ applicationId: q.applicationId, inputStream: question(userMessage) }));

  it('streams the answer as text events, then metadata with the sources and the final text, as ChatSync answers', async () => {
    const events = await collect((await chat('How do I reset my VPN token?')).outputStream);
    const texts = events.filter((event) => event.textEvent).map((event) => event.textEvent?.systemMessage ?? '');
    assert.ok(texts.length > 10, `many text events (${texts.length})`);
    const metadata = events.at(-1)?.metadataEvent;
    assert.ok(metadata, 'metadata comes last');
    assert.equal(texts.join(''), metadata.finalTextMessage);

    const sync = await client.send(new ChatSyncCommand({ applicationId: q.applicationId, userMessage: 'How do I reset my VPN token?' }));
    assert.equal(metadata.finalTextMessage, sync.systemMessage);
    assert.deepEqual(metadata.sourceAttributions?.map((source) => source?.title), sync.sourceAttributions?.map((source) => source?.title));

    const call = q.state.calls.find((recorded) => recorded.operation === 'Chat');
    assert.deepEqual((call?.body as Record<string, unknown>).inputEvents, ['configurationEvent', 'textEvent', 'endOfInputEvent']);
    assert.equal(call?.principal, q.state.calls.find((recorded) => recorded.operation === 'ChatSync')?.principal, 'made as the identity-aware user');
  });

  it('continues a conversation and streams plugin turns as their own events', async () => {
    const first = await collect((await chat('Please create a ticket for my broken monitor')).outputStream);
    const review = first.find((event) => event.actionReviewEvent)?.actionReviewEvent;
    assert.ok(review?.conversationId && review.systemMessageId);
    async function* execute(): AsyncIterable<ChatInputStream> {
      yield { actionExecutionEvent: { pluginId: review?.pluginId, payloadFieldNameSeparator: '.', payload: { summary: { value: 'Broken monitor' }, project: { value: 'IT' } } } };
      yield { endOfInputEvent: {} };
    }
    const done = await collect(
      (await client.send(new ChatCommand({ applicationId: q.applicationId, conversationId: review.conversationId, parentMessageId: review.systemMessageId, inputStream: execute() }))).outputStream,
    );
    assert.match(done.at(-1)?.metadataEvent?.finalTextMessage ?? '', /Created \*\*IT-1001\*\*/);
  });

  it('refuses input frames whose chained signature does not match (signed with another secret)', async () => {
    const forger = new QBusinessClient({
      region: 'us-east-1',
      endpoint: q.url,
      credentials,
      maxAttempts: 1,
      // Frames signed with a guessed secret, the request itself with the real one.
      eventStreamPayloadHandlerProvider: (options) => eventStreamPayloadHandlerProvider({ ...options, credentials: async () => ({ ...credentials, secretAccessKey: 'guessed-secret' }) }),
    });
    await assert.rejects(async () => collect((await chat('How do I report phishing?', forger)).outputStream), (error: Error) => error.name === 'InvalidSignatureException');
    forger.destroy();
    assert.equal(q.state.calls.filter((call) => call.operation === 'Chat' && (call.body as Record<string, string>).userMessage === 'How do I report phishing?').length, 0, 'nothing was answered');
  });

  it('answers a conversation Q no longer has with ResourceNotFoundException before streaming', async () => {
    const error = await client
      .send(new ChatCommand({ applicationId: q.applicationId, conversationId: '0a1b2c3d-0000-4000-8000-000000000000', parentMessageId: '0a1b2c3d-0000-4000-8000-000000000001', inputStream: question('And then?') }))
      .then((output) => collect(output.outputStream))
      .then(() => undefined, (failure: Error & Record<string, unknown>) => failure);
    assert.equal(error?.name, 'ResourceNotFoundException');
    assert.equal(error?.resourceType, 'CONVERSATION');
  });

  it('breaks the stream midway with an exception frame: the SDK throws a plain Error whose message is the JSON body', async () => {
    q.state.addFault({ operation: 'Chat', midStream: 'exception', error: 'ThrottlingException', afterTokens: 5, count: 1 });
    const received: ChatOutputStream[] = [];
    const error = await (async () => {
      try {
        for await (const event of (await chat('How do I reset my VPN token?')).outputStream ?? []) received.push(event);
      } catch (failure) {
        return failure as Error;
      }
      return undefined;
    })();
    assert.equal(received.filter((event) => event.textEvent).length, 5);
    assert.ok(error);
    assert.equal(error.constructor, Error);
    assert.equal(JSON.parse(error.message).message, 'Injected ThrottlingException');
  });

  it('drops the stream midway when asked: the SDK reports the reset HTTP/2 stream', async () => {
    q.state.addFault({ operation: 'Chat', midStream: 'drop', afterTokens: 3, count: 1 });
    await assert.rejects(async () => collect((await chat('How do I reset my VPN token?')).outputStream), /NGHTTP2_INTERNAL_ERROR|closed|aborted/i);
  });
});
