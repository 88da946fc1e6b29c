/**
 * Meeting recaps: on when the bot can get Microsoft Graph tokens without a secret, that is with
 * SSO configured (its Entra app holds the meeting permissions) and a user-assigned managed
 * identity whose token is the client assertion. MEETING_RECAPS=off turns them off.
 */
import { defineSettings, type NamesOf } from '../../settings/definition';
import type { SettingsReader } from '../../settings/reader';
import { GUID, LOOPBACK } from '../../settings/values';

export const MEETING_RECAP_SETTINGS = defineSettings([
  {
    names: ['MEETING_RECAPS'],
    required: 'no (`on`)',
    meaning: '`off` disables meeting recaps; they are on only with SSO configured and a managed identity (see [Meeting recaps](#meeting-recaps-permissions-costs-setup))',
  },
  {
    names: ['GRAPH_MANAGED_IDENTITY_CLIENT_ID'],
    required: 'no (`BOT_ID` with `BOT_TYPE=UserAssignedMsi`)',
    meaning: 'client id of the user-assigned managed identity whose token is the client assertion for Graph app-only tokens',
  },
  { names: ['GRAPH_BASE_URL'], required: 'no (`https://graph.microsoft.com`)', meaning: 'Microsoft Graph (https, or a loopback URL for the local double)' },
  { names: ['GRAPH_AUTHORITY_HOST'], required: 'no (`AAD_APP_OAUTH_AUTHORITY_HOST`)', meaning: 'Entra token authority for Graph app-only tokens (must be https: MSAL refuses http)' },
  {
    names: ['DEV_TEAMS_MEETING_API_URL'],
    required: 'no',
    meaning: 'development only (the playground has no Teams meeting API): find meetings in the local services; loopback URLs only, refused with `BOT_ID`',
  },
]);

export interface MeetingRecapsConfig {
  graphBaseUrl: string;
  /** The Teams app's Entra app (webApplicationInfo.id), which resource-specific consent is granted to. */
  clientId: string;
  tenantId: string;
  authorityHost: string;
  /** The user-assigned managed identity whose token is the app's client assertion (federated credential). */
  managedIdentityClientId: string;
}

export interface MeetingRecapSettings {
  /** Absent: recaps are off. */
  meetingRecaps?: MeetingRecapsConfig;
  /** Development only: Teams' meeting API served by the local services (the Agents Playground has none). */
  devTeamsMeetingApiUrl?: string;
}

/** What recaps take from other features' settings. */
export interface MeetingRecapContext {
  /** The SSO app (absent: sign-in is off, so recaps are). */
  sso: { clientId: string; tenantId: string; authorityHost: string } | undefined;
  /** BOT_ID when the bot runs as a user-assigned managed identity. */
  botManagedIdentityClientId: string | undefined;
  botIdSet: boolean;
}

export function readMeetingRecapSettings(read: SettingsReader<NamesOf<typeof MEETING_RECAP_SETTINGS>>, context: MeetingRecapContext): MeetingRecapSettings {
  const on = read.onOff('MEETING_RECAPS', true);
  const managedIdentityClientId = read.text('GRAPH_MANAGED_IDENTITY_CLIENT_ID') ?? context.botManagedIdentityClientId;
  const devTeamsMeetingApiUrl = read.text('DEV_TEAMS_MEETING_API_URL')?.replace(/\/+$/, '');
  if (devTeamsMeetingApiUrl && (!LOOPBACK.test(devTeamsMeetingApiUrl) || context.botIdSet)) {
    read.problem(`DEV_TEAMS_MEETING_API_URL is for the local playground only: it must be a loopback URL (http://127.0.0.1:…) and BOT_ID must be unset, got "${devTeamsMeetingApiUrl}".`);
  }
  const dev = devTeamsMeetingApiUrl ? { devTeamsMeetingApiUrl } : {};
  const sso = context.sso;
  if (!on || !sso || !managedIdentityClientId) return dev;
  if (!GUID.test(managedIdentityClientId)) read.problem(`GRAPH_MANAGED_IDENTITY_CLIENT_ID has an unexpected value "${managedIdentityClientId}": the client ID of the bot's user-assigned managed identity.`);
  const graphBaseUrl = read.url('GRAPH_BASE_URL', 'an https URL (Microsoft Graph: https://graph.microsoft.com)', 'https://graph.microsoft.com') as string;
  const authorityHost = read.url('GRAPH_AUTHORITY_HOST', 'an https URL (Entra: https://login.microsoftonline.com)', sso.authorityHost) as string;
  return { ...dev, meetingRecaps: { graphBaseUrl, clientId: sso.clientId, tenantId: sso.tenantId, authorityHost, managedIdentityClientId } };
}
