/** The readiness report: each check's result by name, cached for 10 s, one log line per change of state. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Readiness, type ReadinessCheck } from '../../src/readiness';

describe('Readiness', () => {
  const logs: string[] = [];
  const logger = pino(new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(chunk.toString()), done()) }));
  let clock = 0;
  let healthy = true;
  let runs = 0;
  const check: ReadinessCheck = {
    name: 'dependency',
    run: async () => {
      runs += 1;
      if (!healthy) throw new Error('dependency down');
    },
  };

  it('reuses a report for 10 s, then checks again; logs only when readiness changes', async () => {
    const readiness = new Readiness([check, { name: 'other', run: async () => undefined }], logger, () => clock);
    assert.deepEqual(await readiness.report(), { ready: true, checks: { dependency: 'ok', other: 'ok' } });
    healthy = false;
    clock = 9_999;
    assert.equal((await readiness.report()).ready, true, 'cached');
    assert.equal(runs, 1);
    clock = 10_000;
    assert.deepEqual(await readiness.report(), { ready: false, checks: { dependency: 'dependency down', other: 'ok' } });
    clock = 20_000;
    await readiness.report();
    assert.equal(logs.filter((line) => line.includes('"ready":false')).length, 1, 'one line for the change, not one per probe');
    healthy = true;
    clock = 30_000;
    assert.equal((await readiness.report()).ready, true);
    assert.equal(logs.filter((line) => line.includes('ready again')).length, 1);
  });
});
