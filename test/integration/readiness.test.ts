/**
 * GET /readyz (App Service's health check) on the bot process: ready with the local services up;
 * 503 naming the failed check, with no secret, once the local Q service is gone; /healthz stays
 * a liveness probe that answers either way.
 */
import assert from 'node:assert/strict';
import { nextLog, startStack, TEST_TOKEN_STORE_KEY, type Stack } from '../helpers/stack';

async function get(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('readiness (/readyz)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('is ready when config, the state store and every AWS endpoint the SDK would use are fine', async () => {
    stack = await startStack();
    const { status, body } = await get(`${stack.bot.url}/readyz`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, { status: 'ready', checks: { config: 'ok', stateStore: 'ok', qbusiness: 'ok', identityCenter: 'ok', sts: 'ok' } });
  });

  it('answers 503 naming the unreachable endpoint when the local Q service is stopped; liveness still answers', async () => {
    stack = await startStack();
    const qHost = new URL(stack.q.url).host;
    await stack.q.close();
    const { status, body } = await get(`${stack.bot.url}/readyz`);
    assert.equal(status, 503);
    assert.equal(body.status, 'unavailable');
    assert.equal(body.checks.config, 'ok');
    assert.equal(body.checks.stateStore, 'ok');
    assert.equal(body.checks.qbusiness, `cannot reach ${qHost} (ECONNREFUSED)`);
    assert.doesNotMatch(JSON.stringify(body), new RegExp(TEST_TOKEN_STORE_KEY.slice(0, 16).replace(/[+/]/g, '\\$&')));
    assert.equal((await get(`${stack.bot.url}/healthz`)).status, 200);
    // The change of state is logged (the line reaches the test through a pipe: wait for it).
    await nextLog(stack.bot.logs, /"event":"readiness".*"ready":false|"ready":false.*"event":"readiness"/, 0);
  });
});
