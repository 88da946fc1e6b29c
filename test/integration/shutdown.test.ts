/**
 * The production start runs node directly (infra/azure.bicep), so App Service's SIGTERM reaches
 * the bot: it stops accepting work, closes its clients and exits 0, saying so in the log.
 */
import assert from 'node:assert/strict';
import { freePort, runBot, waitForHealth } from '../helpers/botProcess';

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: closes and exits 0, logging the shutdown`, async () => {
      const port = await freePort();
      const { child, logs, exited } = runBot({ PORT: String(port), AMAZON_Q_APP_ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', AMAZON_Q_REGION: 'us-east-1', LOG_LEVEL: 'info' });
      await waitForHealth(`http://127.0.0.1:${port}`);
      // A kept-alive idle connection must not hold the shutdown open.
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      child.kill(signal);
      assert.equal(await exited, 0, logs.join('\n'));
      const shutdown = logs.filter((line) => line.includes('"event":"shutdown"')).map((line) => JSON.parse(line).msg);
      assert.deepEqual(shutdown, ['stopping: finishing open requests', 'stopped']);
    });
  }
});
