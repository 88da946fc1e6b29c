/**
 * The one place that reads the environment, and the composition of every feature's settings.
 * Each feature declares and reads its own (`settings.ts` beside its code) through the small reader
 * in src/settings; this file hands each its reader, in order, and stops the process with every
 * problem found, each naming the variable and where to set it. The settings reference in
 * docs/operating.md is generated from the same definitions (`npm run docs:settings`).
 */
import { ANSWERING_SETTINGS, readStreaming } from './features/answering/settings';
import { EXPERTS_SETTINGS, readExpertsChannel } from './features/experts/settings';
import { MEETING_RECAP_SETTINGS, readMeetingRecapSettings, type MeetingRecapSettings } from './features/meetingRecap/settings';
import { readSharedSpacesSettings, SHARED_SPACES_SETTINGS, type SharedSpacesSettings } from './features/sharedSpaces/settings';
import { readThreadContextDays, THREAD_CONTEXT_SETTINGS } from './features/threadContext/settings';
import { FRONT_DOOR_SETTINGS, managedIdentityOf, readFrontDoorSettings, type FrontDoorSettings } from './frontDoor/settings';
import { HOST_SETTINGS, readHostSettings, type HostSettings } from './hostSettings';
import { AWS_SETTINGS, readAwsSettings, type AwsSettings } from './identity/awsSettings';
import { readSignInSettings, SIGN_IN_SETTINGS, type SsoConfig } from './identity/signInSettings';
import { QBUSINESS_SETTINGS, readQBusinessSettings, type QBusinessSettings } from './qbusiness/settings';
import type { ExpertsChannel } from './domain/experts';
import type { NamesOf, SettingDefinition } from './settings/definition';
import { ConfigError, environmentSource, settingsReader } from './settings/reader';
import { readStateSettings, STATE_SETTINGS, type StateStoreConfig } from './state/settings';
import { readTelemetrySettings, TELEMETRY_SETTINGS, type TelemetryConfig } from './telemetry/settings';

export { ConfigError };

/** Every setting the bot reads, in the order of the settings reference. */
export const BOT_SETTINGS = [
  ...QBUSINESS_SETTINGS,
  ...HOST_SETTINGS,
  ...FRONT_DOOR_SETTINGS,
  ...SIGN_IN_SETTINGS,
  ...AWS_SETTINGS,
  ...STATE_SETTINGS,
  ...THREAD_CONTEXT_SETTINGS,
  ...ANSWERING_SETTINGS,
  ...SHARED_SPACES_SETTINGS,
  ...EXPERTS_SETTINGS,
  ...MEETING_RECAP_SETTINGS,
  ...TELEMETRY_SETTINGS,
] as const satisfies readonly SettingDefinition[];
export type BotSettingName = NamesOf<typeof BOT_SETTINGS>;

export interface AppConfig extends HostSettings, FrontDoorSettings, Pick<AwsSettings, 'botAwsWebIdentity' | 'awsSdkEnvironment'>, SharedSpacesSettings, MeetingRecapSettings {
  /** Absent: every Q call uses the bot's own AWS credentials (SDK default chain). */
  sso?: SsoConfig;
  qbusiness: QBusinessSettings;
  /** How long recent channel and group chat messages are kept for thread context. */
  threadContextDays: number;
  /** Where shared state lives: memory (one process) or an Azure Blob container (several instances). */
  state: StateStoreConfig;
  /** Stream answers in 1:1 chats with Q's Chat (STREAMING, default on); off: ChatSync and one card everywhere. */
  streaming: boolean;
  /** EXPERTS_CHANNEL: where "Ask an expert" requests go when the space's scope names no experts; absent: no button there. */
  expertsChannel?: ExpertsChannel;
  /** OpenTelemetry export (src/telemetry); absent: off, and nothing is instrumented. */
  telemetry?: TelemetryConfig;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const problems: string[] = [];
  const source = environmentSource(env);
  const reader = <const D extends readonly SettingDefinition[]>(definitions: D) => settingsReader(source, definitions, problems);

  const host = readHostSettings(reader(HOST_SETTINGS));
  const threadContextDays = readThreadContextDays(reader(THREAD_CONTEXT_SETTINGS));
  const qbusiness = readQBusinessSettings(reader(QBUSINESS_SETTINGS));
  const frontDoor = readFrontDoorSettings(reader(FRONT_DOOR_SETTINGS));
  const managedIdentityClientId = managedIdentityOf(frontDoor.bot);
  const aws = readAwsSettings(reader(AWS_SETTINGS), managedIdentityClientId);
  const sso = readSignInSettings(reader(SIGN_IN_SETTINGS), { qRegion: qbusiness.region, botId: frontDoor.bot?.appId, awsEndpoints: aws.endpoints });
  const state = readStateSettings(reader(STATE_SETTINGS), managedIdentityClientId);
  const streaming = readStreaming(reader(ANSWERING_SETTINGS));
  const spaces = readSharedSpacesSettings(reader(SHARED_SPACES_SETTINGS));
  const expertsChannel = readExpertsChannel(reader(EXPERTS_SETTINGS));
  const telemetry = readTelemetrySettings(reader(TELEMETRY_SETTINGS));
  const recaps = readMeetingRecapSettings(reader(MEETING_RECAP_SETTINGS), { sso, botManagedIdentityClientId: managedIdentityClientId, botIdSet: Boolean(frontDoor.bot) });
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...host,
    threadContextDays,
    qbusiness,
    ...frontDoor,
    ...(sso ? { sso } : {}),
    ...(aws.botAwsWebIdentity ? { botAwsWebIdentity: aws.botAwsWebIdentity } : {}),
    awsSdkEnvironment: aws.awsSdkEnvironment,
    state,
    streaming,
    ...spaces,
    ...(expertsChannel ? { expertsChannel } : {}),
    ...(telemetry ? { telemetry } : {}),
    ...recaps,
  };
}

/** The process environment, for a tool that composes its own settings from it (`npm run doctor`). */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
