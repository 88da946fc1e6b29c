/** How long thread context keeps recent channel and group chat messages. */
import { defineSettings, type NamesOf } from '../../settings/definition';
import type { SettingsReader } from '../../settings/reader';

export const THREAD_CONTEXT_SETTINGS = defineSettings([
  { names: ['THREAD_CONTEXT_DAYS'], required: 'no (7)', meaning: 'how long recent channel and group chat messages are kept for thread context (1–90)' },
]);

export function readThreadContextDays(read: SettingsReader<NamesOf<typeof THREAD_CONTEXT_SETTINGS>>): number {
  return read.integer('THREAD_CONTEXT_DAYS', { fallback: 7, min: 1, max: 90, expected: 'a whole number of days from 1 to 90' });
}
