/**
 * Microsoft Graph app-only tokens for the Teams app's Entra app without a client secret: the
 * bot's user-assigned managed identity gets a token for `api://AzureADTokenExchange`, and that
 * token is the client assertion for the app registration, which trusts it through a federated
 * identity credential (issuer = the tenant's v2 issuer, subject = the identity's principal id).
 * Locally the same code runs against the local Entra issuer and managed identity (localdev/).
 */
import { ClientAssertionCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

/** The federated credential provisioning creates on the app registration (deploy/entra) and the doctor checks. */
export const FEDERATED_CREDENTIAL_NAME = 'qteams-bot-managed-identity';

export interface AppOnlyGraphSettings {
  /** The Entra app registration the Teams app's resource-specific consent is granted to. */
  clientId: string;
  tenantId: string;
  /** Entra's login host (https://login.microsoftonline.com, or the local issuer). */
  authorityHost: string;
  managedIdentityClientId: string;
  /** The federated credential's audience: api://AzureADTokenExchange in the public cloud. */
  assertionAudience: string;
}

export function appOnlyGraphCredential(settings: AppOnlyGraphSettings): TokenCredential {
  const identity = new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId });
  const assertion = async (): Promise<string> => (await identity.getToken(`${settings.assertionAudience}/.default`)).token;
  return new ClientAssertionCredential(settings.tenantId, settings.clientId, assertion, {
    authorityHost: settings.authorityHost,
    // The local issuer is not a known Microsoft cloud: skip the discovery call to login.microsoftonline.com.
    disableInstanceDiscovery: !settings.authorityHost.startsWith('https://login.'),
  });
}
