/**
 * Reads from Microsoft Graph and Azure Resource Manager with @azure/identity: in the App Service
 * console the bot's managed identity, elsewhere the operator's Azure CLI sign-in (`az login`) or
 * Azure Developer CLI sign-in. Only GET requests are ever sent; tokens stay in memory.
 */
import { AzureCliCredential, AzureDeveloperCliCredential, ChainedTokenCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { DoctorConfig } from './settings';
import { oneLine } from './awsAccess';

export type AzureFailureKind = 'unreachable' | 'permission' | 'notFound' | 'other';

export class AzureReadFailure extends Error {
  constructor(
    readonly kind: AzureFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'AzureReadFailure';
  }
}

export interface AzureReader {
  /** `how` names the credential for messages. */
  how: string;
  get(api: 'graph' | 'arm', path: string): Promise<Record<string, unknown>>;
}

const SCOPES = { graph: 'https://graph.microsoft.com/.default', arm: 'https://management.azure.com/.default' };
const TIMEOUT_MS = 15_000;

export function azureReader(config: DoctorConfig): AzureReader {
  const managed = config.onAzure && config.botId;
  // Graph is read in the SSO app's tenant, ARM in the subscription's (they may differ).
  const developer = (tenantId: string | undefined): TokenCredential => {
    const options = { processTimeoutInMs: TIMEOUT_MS, ...(tenantId ? { tenantId } : {}) };
    return new ChainedTokenCredential(new AzureCliCredential(options), new AzureDeveloperCliCredential(options));
  };
  const credentials: Record<'graph' | 'arm', TokenCredential> = managed
    ? { graph: new ManagedIdentityCredential({ clientId: config.botId as string }), arm: new ManagedIdentityCredential({ clientId: config.botId as string }) }
    : { graph: developer(config.ssoTenantId), arm: developer(config.botTenantId) };
  const how = managed ? `the managed identity ${config.botId}` : 'your Azure CLI sign-in (az login)';
  const base = { graph: config.graphUrl, arm: config.armUrl };
  return {
    how,
    async get(api, path) {
      let token: string;
      try {
        const result = await credentials[api].getToken(SCOPES[api]);
        if (!result) throw new Error('no token');
        token = result.token;
      } catch (error) {
        throw new AzureReadFailure('unreachable', `no Azure sign-in to read ${api === 'graph' ? 'Microsoft Graph' : 'Azure Resource Manager'} (${oneLine(firstLine((error as Error).message))})`);
      }
      let response: Response;
      try {
        response = await fetch(`${base[api]}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        throw new AzureReadFailure('unreachable', `${base[api]} could not be reached (${cause})`);
      }
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok) return body;
      const message = oneLine(String((body.error as { message?: string } | undefined)?.message ?? response.statusText));
      const kind: AzureFailureKind = response.status === 404 ? 'notFound' : response.status === 401 || response.status === 403 ? 'permission' : 'other';
      throw new AzureReadFailure(kind, `HTTP ${response.status}: ${message}`);
    },
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
