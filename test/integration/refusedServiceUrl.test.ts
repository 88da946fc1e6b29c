/**
 * A `serviceUrl` that refuses connections (issue 19, item 3): once the turn's first send is
 * refused, its later sends (the streamed answer's final message, an apology) do not try that
 * serviceUrl again, so the request is not held by one retry cycle per send. Observed from outside:
 * a listener opened on the refusing port right after the first refusal never sees a connection.
 * And since the streamed reply's first update was refused, Q is not asked at all (issue 29).
 */
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { nextLog, postRaw, startStack, type Stack } from '../helpers/stack';
import { ADA, message } from '../helpers/teamsActivities';

async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('a serviceUrl that refuses connections', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ STREAMING: 'on' });
    await stack.signIn(ADA);
  });
  after(async () => {
    await stack.stop();
  });

  it('is not tried again by later sends of the same turn; the request is answered without a 5xx', async () => {
    const port = await unusedPort();
    const logsBefore = stack.bot.logs.length;
    const activity = message(`http://127.0.0.1:${port}/`, ADA, 'How do I reset my VPN token?');
    const answered = postRaw(stack.bot.url, JSON.stringify(activity));
    // The informative update is the turn's first send; the bot logs its refusal.
    const refusal = await nextLog(stack.bot.logs, /"outcome":"updateRefused"/, logsBefore, 15_000);
    assert.match(refusal, /SERVICE_URL_REFUSED/, 'refused at once, not after the client\'s retries');
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => listener.listen(port, '127.0.0.1', done));
    try {
      const response = await answered;
      assert.equal(response.status, 200);
      assert.equal(connections, 0, 'no later send of the turn connected to the serviceUrl again');
      assert.equal(stack.q.state.calls.filter((call) => call.operation === 'Chat' || call.operation === 'ChatSync').length, 0, 'nobody could see an answer: Q was not asked');
      assert.equal((await fetch(`${stack.bot.url}/healthz`)).status, 200);
      const ended = await nextLog(stack.bot.logs, /Teams refused the first update of the reply: Q not asked/, logsBefore);
      assert.match(ended, /"level":40/, 'a warning: the caller\'s serviceUrl, not a bug of the bot');
      assert.doesNotMatch(stack.bot.logs.slice(logsBefore).join('\n'), /"level":50|"stack"/, 'no error line and no stack');
    } finally {
      listener.close();
    }
  });
});
