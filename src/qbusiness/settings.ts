/** Which Amazon Q Business application the bot answers from. */
import { defineSettings, type NamesOf } from '../settings/definition';
import type { SettingsReader } from '../settings/reader';
import { REGION } from '../settings/values';

export const QBUSINESS_SETTINGS = defineSettings([
  { names: ['AMAZON_Q_APP_ID'], required: 'yes', meaning: 'Amazon Q Business application ID (36 characters)' },
  { names: ['AMAZON_Q_REGION'], required: 'yes', meaning: 'its AWS Region, e.g. `us-east-1`' },
]);

export interface QBusinessSettings {
  applicationId: string;
  region: string;
}

const APPLICATION_ID = /^[a-zA-Z0-9][a-zA-Z0-9-]{35}$/;

export function readQBusinessSettings(read: SettingsReader<NamesOf<typeof QBUSINESS_SETTINGS>>): QBusinessSettings {
  return {
    applicationId: read.required('AMAZON_Q_APP_ID', 'the Amazon Q Business application ID (36 characters, from the Q Business console)', APPLICATION_ID),
    region: read.required('AMAZON_Q_REGION', 'the AWS Region of the Amazon Q Business application, e.g. us-east-1', REGION),
  };
}
