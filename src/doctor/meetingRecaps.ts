/**
 * Check group: what meeting recaps need on the Microsoft side. The SSO app registration must
 * trust the bot's managed identity through a federated identity credential (so the bot gets
 * Graph tokens without a secret), read live through Microsoft Graph; and the Teams app manifest
 * must ask for the resource-specific permissions that let it read a meeting and its transcripts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEDERATED_CREDENTIAL_NAME } from '../graph/appOnlyCredential';
import { TOKEN_EXCHANGE_RESOURCE } from '../identity/azureWebIdentity';
import type { AzureReadFailure } from './azureAccess';
import { envFileName, type DoctorContext } from './context';
import { entraIssuerUrl } from './identityCenter';
import { failed, ok, skipped, type CheckLine } from './report';

/** Resource-specific consent the recap needs: the meeting's details and its transcripts. */
export const MEETING_RSC_PERMISSIONS = ['OnlineMeeting.ReadBasic.Chat', 'OnlineMeetingTranscript.Read.Chat'];

const LINES = {
  credential: ['meetings.federated-credential', 'Meeting recaps: SSO app trusts the bot managed identity (federated credential)'],
  rsc: ['meetings.rsc', 'Meeting recaps: app manifest asks for meeting and transcript consent'],
} as const;

interface FederatedCredential {
  name?: string;
  issuer?: string;
  subject?: string;
  audiences?: string[];
}

export async function checkMeetingRecaps(ctx: DoctorContext): Promise<CheckLine[]> {
  return [await checkFederatedCredential(ctx), checkManifest(ctx)];
}

async function checkFederatedCredential(ctx: DoctorContext): Promise<CheckLine> {
  const { config } = ctx;
  if (config.botType?.toLowerCase() !== 'userassignedmsi') return skipped(...LINES.credential, 'the bot does not run as a user-assigned managed identity (BOT_TYPE), so meeting recaps are off');
  const missing = [!config.ssoClientId && 'AAD_APP_CLIENT_ID', !config.botTenantId && 'BOT_TENANT_ID', !config.managedIdentityPrincipalId && 'BOT_MANAGED_IDENTITY_PRINCIPAL_ID'].filter(Boolean);
  if (missing.length > 0) return skipped(...LINES.credential, `${missing.join(', ')} not set in ${envFileName(ctx)}`);
  const issuer = entraIssuerUrl(config.botTenantId as string);
  const subject = config.managedIdentityPrincipalId as string;
  const fix = `az ad app federated-credential create --id ${config.ssoClientId} --parameters '{"name":"${FEDERATED_CREDENTIAL_NAME}","issuer":"${issuer}","subject":"${subject}","audiences":["${TOKEN_EXCHANGE_RESOURCE}"]}' (or re-run teamsapp provision --env ${ctx.envName ?? 'dev'})`;
  let credentials: FederatedCredential[];
  try {
    const page = await ctx.azure.get('graph', `/v1.0/applications(appId='${config.ssoClientId}')/federatedIdentityCredentials`);
    credentials = Array.isArray(page.value) ? (page.value as FederatedCredential[]) : [];
  } catch (error) {
    const failure = error as AzureReadFailure;
    return skipped(...LINES.credential, failure.kind === 'notFound' ? 'no app registration (see above)' : `Microsoft Graph could not be read (${failure.message})`);
  }
  const match = credentials.find((credential) => credential.issuer === issuer && credential.subject === subject && (credential.audiences ?? []).includes(TOKEN_EXCHANGE_RESOURCE));
  if (match) return ok(...LINES.credential, `${match.name ?? 'credential'}: ${issuer}, subject ${subject}`);
  const near = credentials.find((credential) => credential.subject === subject);
  const cause = near
    ? `the credential ${near.name ?? ''} names the managed identity but issuer ${near.issuer ?? '?'} and audiences ${JSON.stringify(near.audiences ?? [])}, not ${issuer} and ${TOKEN_EXCHANGE_RESOURCE}: Entra refuses the bot's assertion (AADSTS700211/700212), so recaps say Graph is unavailable.`
    : `app ${config.ssoClientId} has no federated credential for the managed identity ${subject} (issuer ${issuer}): the bot cannot get Graph tokens, so recaps say Graph is unavailable.`;
  return failed(...LINES.credential, cause, fix);
}

function checkManifest(ctx: DoctorContext): CheckLine {
  let names: string[];
  try {
    const manifest = JSON.parse(readFileSync(join(ctx.projectRoot, 'appPackage', 'manifest.json'), 'utf8')) as { authorization?: { permissions?: { resourceSpecific?: Array<{ name?: string; type?: string }> } } };
    names = (manifest.authorization?.permissions?.resourceSpecific ?? []).filter((permission) => permission.type === 'Application').map((permission) => permission.name ?? '');
  } catch {
    return skipped(...LINES.rsc, `no appPackage/manifest.json under ${ctx.projectRoot} (run the doctor from the project folder, or with --project)`);
  }
  const absent = MEETING_RSC_PERMISSIONS.filter((name) => !names.includes(name));
  if (absent.length === 0) return ok(...LINES.rsc, MEETING_RSC_PERMISSIONS.join(', '));
  return failed(
    ...LINES.rsc,
    `appPackage/manifest.json does not ask for ${absent.join(', ')} (authorization.permissions.resourceSpecific): Teams grants the app nothing to read meetings with, so every recap says consent is missing.`,
    `add ${absent.map((name) => `{ "name": "${name}", "type": "Application" }`).join(', ')} to authorization.permissions.resourceSpecific, run teamsapp provision (it updates the Teams app), and have meeting chats re-add the app to consent.`,
  );
}
