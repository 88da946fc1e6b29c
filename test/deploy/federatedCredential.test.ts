/**
 * The provision step that lets the bot's managed identity act as the SSO app (meeting recaps):
 * against the local admin Graph, it creates the federated credential once, leaves it alone on the
 * next run, and refuses to overwrite a same-named credential for another identity.
 */
import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { localAzToken } from '../../localdev/admin/microsoft';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { ensureFederatedCredential, settingsFrom } from '../../deploy/entra/federatedCredential';
import { DOCUMENTS } from '../helpers/stack';

describe('provision: federated credential for meeting recaps', () => {
  let services: LocalServices;
  // What `az account get-access-token --resource https://graph.microsoft.com` gives against the local Graph.
  const operator: TokenCredential = { getToken: async () => ({ token: localAzToken('https://graph.microsoft.com'), expiresOnTimestamp: Date.now() + 3_600_000 }) };

  before(async () => {
    services = await startLocalServices({ documentsFolder: DOCUMENTS });
  });
  after(async () => {
    await services.close();
  });

  const settings = () =>
    settingsFrom({ AAD_APP_CLIENT_ID: services.admin.ids.ssoClientId, BOT_TENANT_ID: services.admin.ids.botTenantId, BOT_MANAGED_IDENTITY_PRINCIPAL_ID: services.admin.ids.managedIdentityPrincipalId, GRAPH_ADMIN_URL: `${services.url}/graph` });

  it('creates the credential the bot needs when it is missing, then leaves it alone', async () => {
    const app = services.admin.entraApps[0] as Record<string, unknown>;
    app.federatedIdentityCredentials = [];
    assert.match(await ensureFederatedCredential(settings(), operator), /^created federated credential qteams-bot-managed-identity/);
    const [created] = app.federatedIdentityCredentials as Array<Record<string, unknown>>;
    assert.deepEqual({ issuer: created?.issuer, subject: created?.subject, audiences: created?.audiences }, {
      issuer: `https://login.microsoftonline.com/${services.admin.ids.botTenantId}/v2.0`,
      subject: services.admin.ids.managedIdentityPrincipalId,
      audiences: ['api://AzureADTokenExchange'],
    });
    assert.match(await ensureFederatedCredential(settings(), operator), /already trusts managed identity/);
    assert.equal((app.federatedIdentityCredentials as unknown[]).length, 1);
  });

  it('does not replace a same-named credential for another identity, and names the missing settings', async () => {
    const app = services.admin.entraApps[0] as Record<string, unknown>;
    app.federatedIdentityCredentials = [{ name: 'qteams-bot-managed-identity', issuer: 'https://login.microsoftonline.com/other/v2.0', subject: 'someone-else', audiences: ['api://AzureADTokenExchange'] }];
    await assert.rejects(ensureFederatedCredential(settings(), operator), /for another identity: delete it/);
    assert.throws(() => settingsFrom({ AAD_APP_CLIENT_ID: 'x', BOT_TENANT_ID: 'y' }), /BOT_MANAGED_IDENTITY_PRINCIPAL_ID is not set/);
  });
});
