import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

const APP_ID = '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';
const minimal = { AMAZON_Q_APP_ID: APP_ID, AMAZON_Q_REGION: 'us-east-1' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('needs only the Q application and region; everything else has defaults', () => {
    const config = loadConfig(minimal);
    assert.deepEqual(config, { port: 3978, logLevel: 'info', qbusiness: { applicationId: APP_ID, region: 'us-east-1' }, awsSdkEnvironment: {} });
  });

  it('names each missing variable and where to set it', () => {
    const problems = problemsOf({});
    assert.equal(problems.length, 2);
    assert.match(problems[0] as string, /^AMAZON_Q_APP_ID is not set: the Amazon Q Business application ID.*env\/\.env\.<environment>/);
    assert.match(problems[1] as string, /^AMAZON_Q_REGION is not set/);
  });

  it('rejects malformed values', () => {
    const problems = problemsOf({ AMAZON_Q_APP_ID: 'my-app', AMAZON_Q_REGION: 'Virginia', PORT: 'eighty', LOG_LEVEL: 'loud' });
    assert.deepEqual(problems.map((problem) => problem.split(' ')[0]), ['PORT', 'LOG_LEVEL', 'AMAZON_Q_APP_ID', 'AMAZON_Q_REGION']);
  });

  it('reads the bot identity the toolkit writes, per bot type', () => {
    assert.deepEqual(loadConfig({ ...minimal, BOT_ID: 'bot', BOT_PASSWORD: 'pw', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: 'tenant' }).bot, {
      appId: 'bot', appType: 'SingleTenant', appPassword: 'pw', tenantId: 'tenant',
    });
    assert.deepEqual(loadConfig({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: 'tenant' }).bot, { appId: 'bot', appType: 'UserAssignedMSI', tenantId: 'tenant' });
    assert.match(problemsOf({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'SingleTenant' }).join('\n'), /BOT_PASSWORD is not set[\s\S]*BOT_TENANT_ID is not set/);
    assert.match(problemsOf({ ...minimal, BOT_ID: 'bot', BOT_TYPE: 'Other' }).join('\n'), /BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMsi/);
  });

  it('reports the AWS SDK settings it leaves to the SDK, without credential values', () => {
    const config = loadConfig({ ...minimal, AWS_ENDPOINT_URL_QBUSINESS: 'http://127.0.0.1:8088', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    assert.deepEqual(config.awsSdkEnvironment, { AWS_ENDPOINT_URL_QBUSINESS: 'http://127.0.0.1:8088', AWS_ACCESS_KEY_ID: '(set)' });
  });
});
