/** The process's own settings: where it listens, how much it logs, which instance it is. */
import { hostname } from 'node:os';
import { defineSettings, type NamesOf } from './settings/definition';
import type { SettingsReader } from './settings/reader';
import { LOG_LEVELS, type LogLevel } from './settings/values';

export const HOST_SETTINGS = defineSettings([
  { names: ['PORT'], required: 'no (3978)', meaning: 'HTTP port' },
  { names: ['LOG_LEVEL'], required: 'no (`info`)', meaning: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`' },
  { names: ['WEBSITE_INSTANCE_ID'], required: 'set by App Service', meaning: 'the instance named in logs and telemetry (elsewhere: the host name)' },
]);

export interface HostSettings {
  port: number;
  logLevel: LogLevel;
  /** Which instance this process is, in logs and telemetry: App Service's WEBSITE_INSTANCE_ID, else the host name. */
  instance: string;
}

export function readHostSettings(read: SettingsReader<NamesOf<typeof HOST_SETTINGS>>): HostSettings {
  return {
    port: read.integer('PORT', { fallback: 3978, min: 0, max: 65535, expected: 'a port number (0-65535)' }),
    logLevel: read.choice('LOG_LEVEL', LOG_LEVELS, 'info'),
    instance: read.text('WEBSITE_INSTANCE_ID') ?? hostname(),
  };
}
