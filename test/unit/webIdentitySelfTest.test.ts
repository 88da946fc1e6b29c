/**
 * The start-up AWS identity self-test's retry: a transient failure (throttling, the identity
 * endpoint not answering yet) is retried with growing waits until it passes, and readiness sees
 * the latest result; a refusal (AccessDenied) is final. The waits are recorded, not slept.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { Writable } from 'node:stream';
import type { AzureWebIdentity } from '../../src/identity/azureWebIdentity';
import { WebIdentitySelfTest } from '../../src/identity/webIdentitySelfTest';

const TOKEN = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://login.microsoftonline.com/t/v2.0', sub: 'mi' })).toString('base64url')}.sig`;

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} from STS`), { name });
}

/** An identity whose steps follow a script: each entry is one attempt's outcome. */
function scriptedIdentity(script: Array<'ok' | 'noToken' | string>): AzureWebIdentity & { attempts: number } {
  const identity = {
    roleArn: 'arn:aws:iam::111122223333:role/Bot',
    attempts: 0,
    async managedIdentityToken(): Promise<string> {
      const step = script[Math.min(identity.attempts, script.length - 1)];
      if (step === 'noToken') {
        identity.attempts += 1;
        throw Object.assign(new Error('connect ECONNREFUSED 169.254.169.254:80'), { name: 'CredentialUnavailableError' });
      }
      return TOKEN;
    },
    async assumeRole(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }> {
      const step = script[Math.min(identity.attempts, script.length - 1)] as string;
      identity.attempts += 1;
      if (step !== 'ok') throw awsError(step);
      return { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
    },
  };
  return identity;
}

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

describe('AWS identity self-test retries', () => {
  it('retries transient failures with growing waits, then reports the pass', async () => {
    const identity = scriptedIdentity(['noToken', 'ThrottlingException', 'IDPCommunicationError', 'ok']);
    const waits: number[] = [];
    const { logger, lines } = capture();
    const selfTest = new WebIdentitySelfTest(identity, logger, { sleep: async (ms) => void waits.push(ms) });
    selfTest.start();
    const first = await selfTest.latest();
    assert.deepEqual([first?.ok, first?.ok === false && first.stage], [false, 'managedIdentityToken'], 'readiness sees the first failure');
    await selfTest.done;
    assert.equal(identity.attempts, 4);
    assert.deepEqual(waits, [1000, 2000, 4000], 'exponential back-off');
    assert.equal((await selfTest.latest())?.ok, true, 'the latest result is the pass');
    assert.deepEqual(lines.filter((line) => line.retry !== undefined).map((line) => line.retry), [1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(!lines.some((line) => /eyJ|\.sig/.test(JSON.stringify(line))), 'no token in the logs');
  });

  it('caps the wait at 60 s while an outage lasts', async () => {
    const identity = scriptedIdentity([...Array(9).fill('ServiceUnavailable'), 'ok']);
    const waits: number[] = [];
    const selfTest = new WebIdentitySelfTest(identity, capture().logger, { sleep: async (ms) => void waits.push(ms) });
    selfTest.start();
    await selfTest.done;
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('a refusal is final: no retry, and the result stays red', async () => {
    const identity = scriptedIdentity(['AccessDenied', 'ok']);
    const waits: number[] = [];
    const selfTest = new WebIdentitySelfTest(identity, capture().logger, { sleep: async (ms) => void waits.push(ms) });
    selfTest.start();
    await selfTest.done;
    const latest = await selfTest.latest();
    assert.equal(identity.attempts, 1);
    assert.deepEqual(waits, []);
    assert.deepEqual([latest?.ok, latest?.ok === false && latest.awsErrorCode], [false, 'AccessDenied']);
  });

  it('stops retrying when stopped (the process is closing)', async () => {
    const identity = scriptedIdentity(['ThrottlingException']);
    let selfTest: WebIdentitySelfTest | undefined;
    selfTest = new WebIdentitySelfTest(identity, capture().logger, { sleep: async () => selfTest?.stop() });
    selfTest.start();
    await selfTest.done;
    assert.equal(identity.attempts, 1);
  });
});
