/**
 * Who the bot is to Bot Framework and whom it serves: the bot identity the Teams Toolkit writes,
 * the tenant allowlist, botbuilder's own authentication settings, and the development switch for
 * loopback services.
 */
import { defineSettings, type NamesOf } from '../settings/definition';
import { WHERE, type SettingsReader } from '../settings/reader';
import { GUID } from '../settings/values';

export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotIdentityConfig {
  appId: string;
  appPassword?: string;
  appType: BotAppType;
  tenantId?: string;
}

/** The names botbuilder's ConfigurationBotFrameworkAuthentication reads, passed through as they are. */
export const BOT_FRAMEWORK_SETTING_NAMES = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ValidateAuthority',
  'OAuthUrl',
] as const;
export type BotFrameworkSettingName = (typeof BOT_FRAMEWORK_SETTING_NAMES)[number];
export type BotFrameworkSettings = Partial<Record<BotFrameworkSettingName, string>>;

export const FRONT_DOOR_SETTINGS = defineSettings([
  {
    names: ['BOT_ID'],
    required: 'no',
    meaning:
      "the bot's Entra app (client) ID. Unset: inbound Bot Framework authentication is off (playground / Test Tool only) and a warning says so at start-up. Set: every inbound request must carry a valid Bot Framework token",
  },
  { names: ['BOT_PASSWORD'], required: 'with `BOT_ID`, unless `BOT_TYPE=UserAssignedMsi`', meaning: "the bot's client secret" },
  { names: ['BOT_TYPE'], required: 'no (`MultiTenant`)', meaning: '`SingleTenant`, `UserAssignedMsi` or `MultiTenant` (as the Teams Toolkit writes it)' },
  { names: ['BOT_TENANT_ID'], required: 'for `SingleTenant` and `UserAssignedMsi`', meaning: "the bot's Entra tenant" },
  {
    names: ['ALLOWED_TENANT_IDS'],
    required: 'no (single-tenant and managed-identity bots: `BOT_TENANT_ID`; multi-tenant: any)',
    meaning: 'Entra tenant ids, comma-separated, whose activities the bot serves (`*`: any); others get 403 before any handler, storage write or AWS call',
  },
  {
    names: BOT_FRAMEWORK_SETTING_NAMES,
    required: 'no (public cloud)',
    meaning:
      "botbuilder's own authentication settings, by the names its `ConfigurationBotFrameworkAuthentication` reads: for sovereign clouds and for tests (see [the front door](security.md#the-front-door)). Any one set: the others keep their public-cloud values, and one start-up line names those set",
  },
  {
    names: ['DEV_ALLOW_LOOPBACK_SERVICES'],
    required: 'no',
    meaning: '`true` only for tests against local stand-ins: with `BOT_ID` set, accept `http://127.0.0.1` serviceUrls and file downloads (always accepted without `BOT_ID`)',
  },
]);

export interface FrontDoorSettings {
  /** Absent: inbound Bot Framework authentication is off (local playground / Test Tool). */
  bot?: BotIdentityConfig;
  /** botbuilder's own authentication settings (sovereign clouds, local tests); absent: public cloud. */
  botFramework?: BotFrameworkSettings;
  /** Tenants whose activities the bot serves; absent: any tenant Bot Framework authenticates. */
  allowedTenantIds?: string[];
  /** Development only: loopback serviceUrls and file hosts are accepted even with BOT_ID set. */
  devAllowLoopbackServices?: true;
}

type Name = NamesOf<typeof FRONT_DOOR_SETTINGS>;

export function readFrontDoorSettings(read: SettingsReader<Name>): FrontDoorSettings {
  const bot = readBotIdentity(read);
  const botFramework = readBotFrameworkSettings(read);
  const allowedTenantIds = readAllowedTenants(read, bot);
  return {
    ...(bot ? { bot } : {}),
    ...(botFramework ? { botFramework } : {}),
    ...(allowedTenantIds ? { allowedTenantIds } : {}),
    ...(read.text('DEV_ALLOW_LOOPBACK_SERVICES') === 'true' ? { devAllowLoopbackServices: true as const } : {}),
  };
}

/** The client id of the bot's user-assigned managed identity, when it runs as one. */
export function managedIdentityOf(bot: BotIdentityConfig | undefined): string | undefined {
  return bot?.appType === 'UserAssignedMSI' ? bot.appId : undefined;
}

function readBotIdentity(read: SettingsReader<Name>): BotIdentityConfig | undefined {
  const appId = read.text('BOT_ID');
  if (!appId) return undefined;
  const typeText = (read.text('BOT_TYPE') ?? 'MultiTenant').toLowerCase();
  const appType = ({ multitenant: 'MultiTenant', singletenant: 'SingleTenant', userassignedmsi: 'UserAssignedMSI' } as const)[
    typeText as 'multitenant' | 'singletenant' | 'userassignedmsi'
  ];
  if (!appType) {
    read.mustBe('BOT_TYPE', 'MultiTenant, SingleTenant or UserAssignedMsi', typeText);
    return undefined;
  }
  const appPassword = read.text('BOT_PASSWORD');
  const tenantId = read.text('BOT_TENANT_ID');
  if (appType !== 'UserAssignedMSI' && !appPassword) read.problem(`BOT_PASSWORD is not set: the client secret of the bot's Entra app (BOT_ID is set and BOT_TYPE is ${appType}). ${WHERE}`);
  if (appType !== 'MultiTenant' && !tenantId) read.problem(`BOT_TENANT_ID is not set: the Entra tenant of the bot (required for BOT_TYPE=${appType}). ${WHERE}`);
  return { appId, appType, ...(appPassword ? { appPassword } : {}), ...(tenantId ? { tenantId } : {}) };
}

function readBotFrameworkSettings(read: SettingsReader<Name>): BotFrameworkSettings | undefined {
  const settings: BotFrameworkSettings = {};
  for (const name of BOT_FRAMEWORK_SETTING_NAMES) {
    const value = read.text(name);
    if (!value) continue;
    if (name === 'ValidateAuthority' ? !/^(true|false)$/i.test(value) : !/^https?:\/\/[^\s]+$/.test(value)) {
      read.problem(`${name} has an unexpected value "${value}": ${name === 'ValidateAuthority' ? 'true or false' : 'a URL'} (a botbuilder authentication setting).`);
    }
    settings[name] = value;
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** ALLOWED_TENANT_IDS: comma-separated tenant ids, or `*` for any; single-tenant bots default to their own. */
function readAllowedTenants(read: SettingsReader<Name>, bot: BotIdentityConfig | undefined): string[] | undefined {
  const text = read.text('ALLOWED_TENANT_IDS');
  if (text === '*') return undefined;
  if (!text) return bot && bot.appType !== 'MultiTenant' && bot.tenantId ? [bot.tenantId.toLowerCase()] : undefined;
  const tenants = text.split(',').map((tenant) => tenant.trim().toLowerCase()).filter(Boolean);
  const malformed = tenants.filter((tenant) => !GUID.test(tenant));
  if (tenants.length === 0 || malformed.length > 0) read.mustBe('ALLOWED_TENANT_IDS', 'Entra tenant ids separated by commas (or * for any tenant)', text);
  return tenants;
}
