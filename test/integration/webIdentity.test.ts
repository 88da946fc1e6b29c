/**
 * The bot's own AWS identity on Azure, against the local services: its managed identity token
 * (App Service's endpoint, read by @azure/identity) exchanged with STS AssumeRoleWithWebIdentity
 * (the real SDK) for the bot role, trusted through the IAM OIDC provider and trust policy the setup
 * script creates (deploy/aws/iam.ts). The configuration of earlier versions (v1 issuer
 * sts.windows.net, client id api://AzureADTokenExchange) and a token of another principal are
 * refused as IAM refuses them. The bot's start-up self-test runs once per process, logs the
 * token's claims (never the token) and AWS's error code, and /readyz reports it.
 */
import assert from 'node:assert/strict';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AZURE_AD_TOKEN_EXCHANGE_APP_ID, botRoleName } from '../../deploy/aws/iam';
import { LOCAL_Q_USER_ROLE_ARN } from '../../localdev/directory';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PATH, LOCAL_MI_PRINCIPAL_ID, LOCAL_MI_TENANT_ID } from '../../localdev/identity/managedIdentity';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { startBotProcess, type BotProcess } from '../helpers/botProcess';
import { DOCUMENTS, nextLog } from '../helpers/stack';

async function assume(services: LocalServices, token: string, roleArn = services.botAwsRoleArn): Promise<{ ok: true; subject?: string; accessKeyId: string; secretAccessKey: string; sessionToken: string } | { ok: false; code: string; message: string }> {
  const sts = new STSClient({ region: 'us-east-1', endpoint: services.url, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  try {
    const output = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'qteams-bot', WebIdentityToken: token }));
    const credentials = output.Credentials;
    return { ok: true, subject: output.SubjectFromWebIdentityToken, accessKeyId: credentials?.AccessKeyId ?? '', secretAccessKey: credentials?.SecretAccessKey ?? '', sessionToken: credentials?.SessionToken ?? '' };
  } catch (error) {
    return { ok: false, code: (error as Error).name, message: (error as Error).message };
  } finally {
    sts.destroy();
  }
}

/** The bot's settings on Azure (infra/botSettings.bicep), pointed at the local services. */
function azureBotEnv(services: LocalServices): Record<string, string> {
  return {
    AMAZON_Q_APP_ID: services.applicationId,
    AMAZON_Q_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_QBUSINESS: services.url,
    AWS_ENDPOINT_URL_STS: services.url,
    LOG_LEVEL: 'info',
    BOT_ID: LOCAL_MI_CLIENT_ID,
    BOT_TYPE: 'UserAssignedMsi',
    BOT_TENANT_ID: LOCAL_MI_TENANT_ID,
    BOT_AWS_ROLE_ARN: services.botAwsRoleArn,
    BOT_AWS_TOKEN_AUDIENCE: 'api://AzureADTokenExchange',
    // What App Service gives a web app with a managed identity.
    IDENTITY_ENDPOINT: `${services.url}${LOCAL_MI_PATH}`,
    IDENTITY_HEADER: services.managedIdentity.identityHeader,
  };
}

describe('the bot\'s AWS identity on Azure: managed identity → AssumeRoleWithWebIdentity', () => {
  let services: LocalServices;
  beforeEach(async () => {
    services = await startLocalServices({ documentsFolder: DOCUMENTS });
  });
  afterEach(async () => {
    await services.close();
  });

  it('the managed identity token as it really is (v2, aud the token-exchange app, azp the identity) gets the bot role\'s credentials, which sign the bot\'s calls', async () => {
    const token = await services.managedIdentity.token();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    assert.deepEqual([claims.iss, claims.aud, claims.azp, claims.sub, claims.ver], [`https://login.microsoftonline.com/${LOCAL_MI_TENANT_ID}/v2.0`, AZURE_AD_TOKEN_EXCHANGE_APP_ID, LOCAL_MI_CLIENT_ID, LOCAL_MI_PRINCIPAL_ID, '2.0']);
    const result = await assume(services, token);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.subject, LOCAL_MI_PRINCIPAL_ID);
    assert.equal(services.botAwsRoleArn, `arn:aws:iam::111122223333:role/${botRoleName('local')}`);
    // The role's session signs the bot's next call, as on Azure (AssumeRole into the Q user role).
    const sts = new STSClient({ region: 'us-east-1', endpoint: services.url, credentials: { accessKeyId: result.accessKeyId, secretAccessKey: result.secretAccessKey, sessionToken: result.sessionToken } });
    try {
      const output = await sts.send(new AssumeRoleCommand({ RoleArn: LOCAL_Q_USER_ROLE_ARN, RoleSessionName: 'qteams-check' }));
      assert.ok(output.Credentials?.AccessKeyId);
    } finally {
      sts.destroy();
    }
    const caller = services.state.calls.find((call) => call.operation === 'AssumeRole')?.principal;
    assert.equal(caller, services.botAwsRoleArn, 'the call was made as the bot role');
  });

  it('refuses the configuration earlier versions set up: v1 issuer sts.windows.net, client id api://AzureADTokenExchange', async () => {
    // As IAM held it after the old setup: the provider and a trust on the v1 issuer's keys.
    const { providers, roles } = services.iam;
    providers.clear();
    roles.clear();
    const old = services.iam.addOidcProvider(`https://sts.windows.net/${LOCAL_MI_TENANT_ID}/`, ['api://AzureADTokenExchange'], services.managedIdentity.keys);
    const issuerKey = `sts.windows.net/${LOCAL_MI_TENANT_ID}/`;
    const role = services.iam.putRole(botRoleName('local'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: old.arn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${issuerKey}:aud`]: 'api://AzureADTokenExchange', [`${issuerKey}:sub`]: LOCAL_MI_PRINCIPAL_ID } } }],
    });
    const v2 = await assume(services, await services.managedIdentity.token(), role.arn);
    assert.deepEqual(v2.ok ? 'accepted' : [v2.code, v2.message], ['InvalidIdentityTokenException', `No OpenIDConnect provider found in your account for https://login.microsoftonline.com/${LOCAL_MI_TENANT_ID}/v2.0`]);
    // Even a v1 token would not pass: its aud is the app id, not the resource URI the old provider lists.
    const v1 = await assume(services, await services.managedIdentity.token({ issuer: `https://sts.windows.net/${LOCAL_MI_TENANT_ID}/` }), role.arn);
    assert.deepEqual(v1.ok ? 'accepted' : [v1.code, v1.message], ['InvalidIdentityTokenException', 'Incorrect token audience']);
  });

  it('refuses a token of another principal of the same tenant, an expired token, and a provider without the identity\'s client id', async () => {
    const other = await assume(services, await services.managedIdentity.token({ subject: '0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b' }));
    assert.deepEqual(other.ok ? 'accepted' : [other.code, other.message], ['AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity']);
    const expired = await assume(services, await services.managedIdentity.token({ expiresInSeconds: -60 }));
    assert.equal(expired.ok ? 'accepted' : expired.code, 'ExpiredTokenException');
    // IAM compares azp too for such tokens: a list with the token-exchange app alone is not enough.
    const [provider] = [...services.iam.providers.values()];
    provider!.clientIds = [AZURE_AD_TOKEN_EXCHANGE_APP_ID];
    const withoutAzp = await assume(services, await services.managedIdentity.token());
    assert.deepEqual(withoutAzp.ok ? 'accepted' : [withoutAzp.code, withoutAzp.message], ['InvalidIdentityTokenException', 'Incorrect token audience']);
  });

  describe('start-up self-test and /readyz (bot process configured as on Azure)', () => {
    let bot: BotProcess | undefined;
    afterEach(async () => {
      await bot?.stop();
      bot = undefined;
    });

    it('passes: logs the token\'s iss/aud/azp/sub (never the token), and /readyz reports awsWebIdentity ok', async () => {
      bot = await startBotProcess(azureBotEnv(services));
      const line = JSON.parse(await nextLog(bot.logs, /"event":"awsWebIdentitySelfTest"/, 0));
      assert.equal(line.ok, true, JSON.stringify(line));
      assert.deepEqual(line.webIdentityClaims, { aud: AZURE_AD_TOKEN_EXCHANGE_APP_ID, iss: `https://login.microsoftonline.com/${LOCAL_MI_TENANT_ID}/v2.0`, azp: LOCAL_MI_CLIENT_ID, sub: LOCAL_MI_PRINCIPAL_ID, ver: '2.0' });
      const response = await fetch(`${bot.url}/readyz`);
      const body = (await response.json()) as { checks: Record<string, string> };
      assert.equal(body.checks.awsWebIdentity, 'ok', JSON.stringify(body));
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.ok(!bot.logs.some((logLine) => /eyJ[\w-]{10,}\.eyJ/.test(logLine)), 'no token in the logs');
    });

    it('refused (a trust for another principal): logs AWS\'s error code, and /readyz says which check failed and why', async () => {
      const [role] = [...services.iam.roles.values()];
      const statement = role!.trustPolicy.Statement[0]!;
      statement.Condition = { StringEquals: Object.fromEntries(Object.keys(statement.Condition?.StringEquals ?? {}).map((key) => [key, '0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b'])) };
      bot = await startBotProcess(azureBotEnv(services));
      const line = JSON.parse(await nextLog(bot.logs, /"event":"awsWebIdentitySelfTest"/, 0));
      assert.deepEqual([line.ok, line.stage, line.awsErrorCode], [false, 'assumeRoleWithWebIdentity', 'AccessDenied']);
      assert.equal(line.webIdentityClaims.sub, LOCAL_MI_PRINCIPAL_ID, 'the log shows which sub AWS was shown');
      const response = await fetch(`${bot.url}/readyz`);
      const body = (await response.json()) as { checks: Record<string, string> };
      assert.equal(response.status, 503);
      assert.equal(body.checks.awsWebIdentity, 'AssumeRoleWithWebIdentity refused: AccessDenied (see the awsWebIdentitySelfTest log line)');
    });

    // In a bot process of its own: the managed identity credential's source is process-wide (MSAL
    // keeps it in a static), so an in-process run would inherit whichever endpoint another suite used.
    it('runs once per process, however many readiness probes come', async () => {
      bot = await startBotProcess(azureBotEnv(services));
      await nextLog(bot.logs, /"event":"awsWebIdentitySelfTest"/, 0);
      for (let probe = 0; probe < 4; probe += 1) {
        const body = (await (await fetch(`${bot.url}/readyz`)).json()) as { checks: Record<string, string> };
        assert.equal(body.checks.awsWebIdentity, 'ok', JSON.stringify(body));
      }
      assert.equal(services.state.calls.filter((call) => call.operation === 'AssumeRoleWithWebIdentity').length, 1);
    });
  });

});
