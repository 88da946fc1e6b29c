/**
 * `node lib/deploy/entra/federatedCredential.js` (a teamsapp.yml provision step): lets the bot's
 * user-assigned managed identity act as the SSO app registration, so the bot gets Microsoft Graph
 * app-only tokens for meeting recaps without any client secret. Creates the app's federated
 * identity credential (issuer = the managed identity's tenant v2 issuer, subject = its principal
 * id, audience api://AzureADTokenExchange) when it is missing; leaves a matching one alone.
 *
 * Why a script and not Bicep: the toolkit's aadApp/create makes the app registration, and the
 * Microsoft Graph Bicep extension can only address applications it declares by `uniqueName`.
 * Signs in like the doctor (Azure CLI, then Azure Developer CLI): an owner of the app registration.
 */
import { AzureCliCredential, AzureDeveloperCliCredential, ChainedTokenCredential, type TokenCredential } from '@azure/identity';
import type { BotSettingName } from '../../src/config';
import { FEDERATED_CREDENTIAL_NAME } from '../../src/graph/appOnlyCredential';
import { TOKEN_EXCHANGE_RESOURCE } from '../../src/identity/azureWebIdentity';
import type { DoctorSettingName } from '../../src/doctor/settings';
import { issuerUrl } from '../aws/identityCenter';
import { defineSettings } from '../../src/settings/definition';
import { environmentSource, settingsReader } from '../../src/settings/reader';

export const FEDERATED_CREDENTIAL_SETTINGS = defineSettings([
  { names: ['GRAPH_ADMIN_URL'], required: 'no (`https://graph.microsoft.com`)', meaning: 'Microsoft Graph, where the credential is created (the local stand-in in tests)' },
]);

/** The bot's and the doctor's settings this step reads too (described in their tables). */
export const FEDERATED_CREDENTIAL_BORROWS = ['AAD_APP_CLIENT_ID', 'AAD_APP_TENANT_ID', 'BOT_TENANT_ID', 'BOT_MANAGED_IDENTITY_PRINCIPAL_ID'] as const satisfies readonly (BotSettingName | DoctorSettingName)[];


export interface FederatedCredentialSettings {
  appId: string;
  /** The SSO app's tenant, where the operator signs in (AAD_APP_TENANT_ID); absent: the CLI's default. */
  appTenantId?: string;
  /** Tenant of the managed identity (BOT_TENANT_ID). */
  identityTenantId: string;
  identityPrincipalId: string;
  graphUrl: string;
}

interface Credential {
  name?: string;
  issuer?: string;
  subject?: string;
  audiences?: string[];
}

export function settingsFrom(env: Record<string, string | undefined>): FederatedCredentialSettings {
  const reader = settingsReader(environmentSource(env), FEDERATED_CREDENTIAL_SETTINGS, [], FEDERATED_CREDENTIAL_BORROWS);
  const read = (name: 'AAD_APP_CLIENT_ID' | 'BOT_TENANT_ID' | 'BOT_MANAGED_IDENTITY_PRINCIPAL_ID'): string => {
    const value = reader.text(name);
    if (!value) throw new Error(`${name} is not set: run this after the arm/deploy step of teamsapp provision (it writes ${name} to env/.env.<environment>).`);
    return value;
  };
  const appTenantId = reader.text('AAD_APP_TENANT_ID');
  return {
    appId: read('AAD_APP_CLIENT_ID'),
    ...(appTenantId ? { appTenantId } : {}),
    identityTenantId: read('BOT_TENANT_ID'),
    identityPrincipalId: read('BOT_MANAGED_IDENTITY_PRINCIPAL_ID'),
    graphUrl: (reader.text('GRAPH_ADMIN_URL') ?? 'https://graph.microsoft.com').replace(/\/+$/, ''),
  };
}

/** Returns what was done, in one line for the provision log. */
export async function ensureFederatedCredential(settings: FederatedCredentialSettings, credential: TokenCredential): Promise<string> {
  const token = (await credential.getToken('https://graph.microsoft.com/.default'))?.token;
  if (!token) throw new Error('no Microsoft Graph token: sign in with az login (an owner of the app registration).');
  const collection = `${settings.graphUrl}/v1.0/applications(appId='${settings.appId}')/federatedIdentityCredentials`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const issuer = issuerUrl(settings.identityTenantId);
  const listed = await fetch(collection, { headers });
  if (!listed.ok) throw new Error(`reading the federated credentials of app ${settings.appId} failed: HTTP ${listed.status} ${await listed.text()}`);
  const existing = ((await listed.json()) as { value?: Credential[] }).value ?? [];
  const matching = existing.find((item) => item.issuer === issuer && item.subject === settings.identityPrincipalId && (item.audiences ?? []).includes(TOKEN_EXCHANGE_RESOURCE));
  if (matching) return `federated credential ${matching.name ?? ''} already trusts managed identity ${settings.identityPrincipalId}`;
  if (existing.some((item) => item.name === FEDERATED_CREDENTIAL_NAME)) throw new Error(`app ${settings.appId} has a federated credential named ${FEDERATED_CREDENTIAL_NAME} for another identity: delete it in the Entra admin center (Certificates & secrets → Federated credentials) and provision again.`);
  const created = await fetch(collection, { method: 'POST', headers, body: JSON.stringify({ name: FEDERATED_CREDENTIAL_NAME, issuer, subject: settings.identityPrincipalId, audiences: [TOKEN_EXCHANGE_RESOURCE], description: 'The Amazon Q Business Teams bot reads meeting transcripts as this app, without a secret.' }) });
  if (!created.ok) throw new Error(`creating the federated credential on app ${settings.appId} failed: HTTP ${created.status} ${await created.text()}`);
  return `created federated credential ${FEDERATED_CREDENTIAL_NAME}: ${issuer}, subject ${settings.identityPrincipalId}`;
}

async function main(): Promise<void> {
  try {
    const settings = settingsFrom(process.env);
    const options = settings.appTenantId ? { tenantId: settings.appTenantId } : {};
    const credential = new ChainedTokenCredential(new AzureCliCredential(options), new AzureDeveloperCliCredential(options));
    process.stdout.write(`${await ensureFederatedCredential(settings, credential)}\n`);
  } catch (error) {
    process.stderr.write(`Federated credential for meeting recaps: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
