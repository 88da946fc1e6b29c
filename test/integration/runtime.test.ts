/**
 * The runtime contract of `npm start` (node lib/src/index.js): environment-only configuration,
 * fail-fast config errors, health endpoint, and Bot Framework authentication when BOT_ID is set.
 */
import assert from 'node:assert/strict';
import { freePort, runBot, startBotProcess, waitForHealth } from '../helpers/botProcess';
import { LOCAL_CREDENTIALS } from '../helpers/stack';
import { ADA, message } from '../helpers/teamsActivities';

const Q = { AMAZON_Q_APP_ID: '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45', AMAZON_Q_REGION: 'us-east-1', ...LOCAL_CREDENTIALS };

describe('runtime contract (npm start)', () => {
  it('exits 1 naming every missing variable when configuration is incomplete', async () => {
    const { logs, exited } = runBot({ PORT: '0' });
    assert.equal(await exited, 1);
    const output = logs.join('\n');
    assert.match(output, /AMAZON_Q_APP_ID is not set/);
    assert.match(output, /AMAZON_Q_REGION is not set/);
    assert.doesNotMatch(output, /at \w+ \(/, 'no stack trace');
  });

  it('without BOT_ID: one warning line saying so, and /healthz answers', async () => {
    const bot = await startBotProcess({ ...Q, LOG_LEVEL: 'info' });
    try {
      const warnings = bot.logs.filter((line) => line.includes('"level":40'));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] as string, /BOT_ID is not set: accepting unauthenticated/);
      const health = await fetch(`${bot.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
    } finally {
      await bot.stop();
    }
  });

  it('with BOT_ID: refuses activities without a valid Bot Framework token', async () => {
    const bot = await startBotProcess({ ...Q, BOT_ID: '00000000-0000-0000-0000-000000000001', BOT_PASSWORD: 'not-used', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
    try {
      assert.equal(bot.logs.some((line) => line.includes('BOT_ID is not set')), false);
      const activity = message('http://127.0.0.1:9/', ADA, 'hello');
      const anonymous = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      assert.equal(anonymous.status, 401);
      const forged = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiIwMDAwIn0.' },
        body: JSON.stringify(activity),
      });
      assert.equal(forged.status, 401);
      assert.doesNotMatch(bot.logs.join('\n'), /not-used/, 'the bot secret is never logged');
    } finally {
      await bot.stop();
    }
  });

  it('honours LOG_LEVEL', async () => {
    const port = await freePort();
    const { child, logs, exited } = runBot({ ...Q, LOG_LEVEL: 'error', PORT: String(port) });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`);
      assert.equal(logs.filter((line) => line.startsWith('{')).length, 0, 'no info or warning lines at level error');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  // Issue 19, item 5: Node's start-up warnings (a dependency's DEP0111 as it loads, the AWS SDK's
  // Node-version notice on Node 20) used to print as plain text before the logger existed.
  it('with Node warnings on, writes them as JSON lines like everything else: no plain-text line at all', async () => {
    const bot = await startBotProcess({ ...Q, NODE_NO_WARNINGS: '' });
    try {
      await until(() => bot.logs.some((line) => line.includes('DEP0111')));
      await bot.stop();
      for (const line of bot.logs) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
      const warnings = bot.logs.map((line) => JSON.parse(line)).filter((entry) => entry.event === 'nodeWarning');
      assert.ok(warnings.some((entry) => entry.level === 40 && entry.error?.code === 'DEP0111'), JSON.stringify(warnings));
    } finally {
      await bot.stop();
    }
  });

  it('with NODE_NO_WARNINGS=1, as the operator asked, writes no Node warning at all', async () => {
    const bot = await startBotProcess({ ...Q });
    try {
      await fetch(`${bot.url}/healthz`);
    } finally {
      await bot.stop();
    }
    assert.ok(bot.logs.some((line) => line.includes('"stopped"')), 'ran to the end');
    assert.equal(bot.logs.filter((line) => line.includes('nodeWarning') || line.includes('DEP0111')).length, 0);
  });
});

async function until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 50));
  }
}
