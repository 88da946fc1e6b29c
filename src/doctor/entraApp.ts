/**
 * Check group: the SSO app registration, read live through Microsoft Graph — v2 access tokens, the
 * `email` optional claim, the identifier URI the bot names, Teams and Office clients pre-authorised
 * for access_as_user. When Graph cannot be read, the same checks run on aad.manifest.json and
 * every line says so (a file on disk is not what Entra has).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AzureReadFailure } from './azureAccess';
import { envFileName, type DoctorContext } from './context';
import { failed, ok, skipped, type CheckLine } from './report';

/** Microsoft's first-party clients that ask for the Teams SSO token (Teams, Microsoft 365, Outlook). */
export const SSO_CLIENTS: Record<string, string> = {
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264': 'Teams desktop and mobile',
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346': 'Teams web',
  '4765445b-32c6-49b0-83e6-1d93765276ca': 'Microsoft 365 web',
  '0ec893e0-5785-4de6-99da-4ed124e5296c': 'Microsoft 365 desktop',
  'd3590ed6-52b3-4102-aeff-aad2292ab01c': 'Microsoft 365 mobile and Outlook desktop',
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3': 'Outlook web',
  '27922004-5251-4030-b22d-91ecd9a37ea4': 'Outlook mobile',
  '00000002-0000-0ff1-ce00-000000000000': 'Outlook (Exchange Online)',
  '4345a7b9-9a63-4910-a426-35363201d503': 'Microsoft 365 app',
};

/** The part of a Graph `application` (and of aad.manifest.json, which has the same shape) the checks read. */
interface AppRegistration {
  displayName?: string;
  identifierUris?: string[];
  api?: {
    requestedAccessTokenVersion?: number | null;
    oauth2PermissionScopes?: Array<{ id?: string; value?: string }>;
    preAuthorizedApplications?: Array<{ appId?: string; delegatedPermissionIds?: string[] }>;
  };
  optionalClaims?: { accessToken?: Array<{ name?: string }> } | null;
}

const LINES = {
  graph: ['entra.graph', 'SSO app registration, read through Microsoft Graph'],
  version: ['entra.token-version', 'v2 access tokens'],
  email: ['entra.email-claim', 'email optional claim in access tokens'],
  uri: ['entra.identifier-uri', 'Identifier URI the bot names'],
  clients: ['entra.preauthorized-clients', 'Teams and Office clients pre-authorised for access_as_user'],
} as const;

export async function checkEntraApp(ctx: DoctorContext): Promise<CheckLine[]> {
  const { config } = ctx;
  const later: ReadonlyArray<readonly [string, string]> = [LINES.version, LINES.email, LINES.uri, LINES.clients];
  if (!config.ssoClientId) return [failed(...LINES.graph, 'AAD_APP_CLIENT_ID is not set.', `run teamsapp provision --env ${ctx.envName ?? 'dev'} (its aadApp/create step writes AAD_APP_CLIENT_ID to ${envFileName(ctx)}).`), ...later.map(([id, title]) => skipped(id, title, 'no app registration to read'))];
  const path = `/v1.0/applications(appId='${config.ssoClientId}')?$select=displayName,identifierUris,api,optionalClaims`;
  try {
    const app = (await ctx.azure.get('graph', path)) as AppRegistration;
    return [ok(...LINES.graph, `${app.displayName ?? config.ssoClientId} (${config.ssoClientId}), live`), ...evaluate(ctx, app, '')];
  } catch (error) {
    const failure = error as AzureReadFailure;
    if (failure.kind === 'notFound') {
      return [failed(...LINES.graph, `Entra has no app registration with client id ${config.ssoClientId} in the tenant ${ctx.azure.how} reads.`, `if you are signed in to another tenant: az login --tenant ${config.ssoTenantId ?? '<AAD_APP_TENANT_ID>'}; otherwise run teamsapp provision --env ${ctx.envName ?? 'dev'} to create it, or correct AAD_APP_CLIENT_ID in ${envFileName(ctx)}.`), ...later.map(([id, title]) => skipped(id, title, 'no app registration'))];
    }
    const signIn = config.onAzure ? 'give the managed identity the Microsoft Graph application permission Application.Read.All, or run the doctor from a machine' : `sign in with an account that may read app registrations: az login${config.ssoTenantId ? ` --tenant ${config.ssoTenantId}` : ''}`;
    const graphLine = failed(...LINES.graph, `Microsoft Graph could not be read (${failure.message}); the lines below come from aad.manifest.json on disk, not from Entra.`, `${signIn}, then run the doctor again.`);
    const manifest = readManifest(ctx);
    if (!manifest) return [graphLine, ...later.map(([id, title]) => skipped(id, title, 'neither Graph nor aad.manifest.json could be read'))];
    return [graphLine, ...evaluate(ctx, manifest, ' (aad.manifest.json, not live)')];
  }
}

function readManifest(ctx: DoctorContext): AppRegistration | undefined {
  try {
    // Placeholders are filled the way the toolkit fills them; only BOT_ID matters to the checks.
    const text = readFileSync(join(ctx.projectRoot, 'aad.manifest.json'), 'utf8').replace(/\$\{\{BOT_ID\}\}/g, ctx.config.botId ?? '<BOT_ID>');
    return JSON.parse(text) as AppRegistration;
  } catch {
    return undefined;
  }
}

function evaluate(ctx: DoctorContext, app: AppRegistration, source: string): CheckLine[] {
  const { config } = ctx;
  const id = config.ssoClientId as string;
  const title = (line: readonly [string, string]): [string, string] => [line[0], `${line[1]}${source}`];
  const console = `Entra admin center → App registrations → ${app.displayName ?? id}`;
  const lines: CheckLine[] = [];

  const version = app.api?.requestedAccessTokenVersion;
  lines.push(
    version === 2
      ? ok(...title(LINES.version), 'requestedAccessTokenVersion 2 (issuer https://login.microsoftonline.com/<tenant>/v2.0)')
      : failed(...title(LINES.version), `requestedAccessTokenVersion is ${version ?? 'null (v1)'}: Teams SSO tokens come from https://sts.windows.net/<tenant>/, which Identity Center's trusted token issuer does not trust.`, `az ad app update --id ${id} --set api.requestedAccessTokenVersion=2 (or ${console} → Manifest → "requestedAccessTokenVersion": 2)`),
  );

  const claims = (app.optionalClaims?.accessToken ?? []).map((claim) => claim.name);
  lines.push(
    claims.includes('email')
      ? ok(...title(LINES.email), 'present (people need a mail attribute for it to be issued)')
      : failed(...title(LINES.email), 'access tokens carry no email claim, so Identity Center cannot match the person (InvalidGrantException).', `${console} → Token configuration → Add optional claim → Access → email (or re-run teamsapp provision, which applies aad.manifest.json)`),
  );

  const uri = config.resourceUri;
  if (!uri) lines.push(skipped(...title(LINES.uri), 'BOT_ID / SSO_RESOURCE_URI not set, so the URI the bot names is unknown'));
  else
    lines.push(
      app.identifierUris?.includes(uri)
        ? ok(...title(LINES.uri), uri)
        : failed(...title(LINES.uri), `the app's identifier URIs are ${JSON.stringify(app.identifierUris ?? [])}, not ${uri}: Teams cannot get an SSO token for the bot.`, `${console} → Expose an API → Application ID URI = ${uri} (or az ad app update --id ${id} --identifier-uris ${uri})`),
    );

  const scope = app.api?.oauth2PermissionScopes?.find((candidate) => candidate.value === 'access_as_user');
  const authorized = new Set((app.api?.preAuthorizedApplications ?? []).filter((entry) => scope?.id && entry.delegatedPermissionIds?.includes(scope.id)).map((entry) => entry.appId));
  const missing = Object.entries(SSO_CLIENTS).filter(([clientId]) => !authorized.has(clientId));
  if (!scope) lines.push(failed(...title(LINES.clients), 'the app exposes no access_as_user scope.', `${console} → Expose an API → Add a scope access_as_user (or re-run teamsapp provision, which applies aad.manifest.json)`));
  else if (missing.length > 0)
    lines.push(
      failed(
        ...title(LINES.clients),
        `not pre-authorised: ${missing.map(([clientId, name]) => `${name} (${clientId})`).join(', ')}: people there get a consent prompt or no SSO token.`,
        `${console} → Expose an API → Add a client application → ${missing.map(([clientId]) => clientId).join(', ')} with scope access_as_user (or re-run teamsapp provision)`,
      ),
    );
  else lines.push(ok(...title(LINES.clients), `${Object.keys(SSO_CLIENTS).length} clients`));
  return lines;
}
