/** The doctor's settings (src/doctor/settings.ts loadDoctorConfig): env files over the environment, the names provisioning writes, Azure detection. */
import assert from 'node:assert/strict';
import { loadDoctorConfig } from '../../src/doctor/settings';

describe('doctor settings', () => {
  it("take the env file's value over the process environment, and read the RUNTIME_ names provisioning writes", () => {
    const config = loadDoctorConfig(
      { AMAZON_Q_APP_ID: 'from-file', RUNTIME_IDC_APPLICATION_ARN: 'arn:aws:sso::1:application/ssoins-1/apl-1', RUNTIME_Q_USER_ROLE_ARN: 'arn:aws:iam::1:role/U', AMAZON_Q_REGION: '' },
      { AMAZON_Q_APP_ID: 'from-shell', AMAZON_Q_REGION: 'eu-west-1' },
    );
    assert.equal(config.qApplicationId, 'from-file');
    assert.equal(config.qRegion, 'eu-west-1', 'an empty file value does not hide the environment');
    assert.equal(config.idcRegion, 'eu-west-1', 'Identity Center defaults to the Q Region');
    assert.equal(config.idcApplicationArn, 'arn:aws:sso::1:application/ssoins-1/apl-1');
    assert.equal(config.qUserRoleArn, 'arn:aws:iam::1:role/U');
    assert.equal(config.onAzure, false);
    assert.equal(config.azure, undefined);
    assert.equal(config.graphUrl, 'https://graph.microsoft.com');
  });

  it('name the bot role as the bot principal, the Azure Bot as qbot<suffix>, and know when they run on App Service', () => {
    const config = loadDoctorConfig(
      { BOT_AWS_ROLE_ARN: 'arn:aws:iam::1:role/Bot', BOT_ID: 'mi-client', AZURE_SUBSCRIPTION_ID: 's', AZURE_RESOURCE_GROUP_NAME: 'rg', RESOURCE_SUFFIX: 'x1', AAD_APP_TENANT_ID: 't' },
      { WEBSITE_INSTANCE_ID: 'abc', BOT_AWS_PRINCIPAL_ARN: 'arn:aws:iam::1:user/me' },
    );
    assert.equal(config.botPrincipalArn, 'arn:aws:iam::1:role/Bot');
    assert.deepEqual(config.azure, { subscriptionId: 's', resourceGroup: 'rg', botResourceName: 'qbotx1' });
    assert.equal(config.resourceUri, 'api://botid-mi-client');
    assert.equal(config.botTenantId, 't', 'the bot tenant defaults to the SSO tenant');
    assert.equal(config.onAzure, true);
    assert.equal(loadDoctorConfig({ WEBSITE_INSTANCE_ID: 'abc' }, {}).onAzure, false, 'an env file cannot claim the doctor runs in App Service');
  });
});
