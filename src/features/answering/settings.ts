/** Whether answers in 1:1 chats stream. */
import { defineSettings, type NamesOf } from '../../settings/definition';
import type { SettingsReader } from '../../settings/reader';

export const ANSWERING_SETTINGS = defineSettings([
  { names: ['STREAMING'], required: 'no (`on`)', meaning: '`on`: answers in 1:1 chats stream (Q `Chat` → Teams streaming); `off`: `ChatSync` and one card everywhere' },
]);

/** On: Q's Chat streamed into Teams in 1:1 chats; off: ChatSync and one card everywhere. */
export function readStreaming(read: SettingsReader<NamesOf<typeof ANSWERING_SETTINGS>>): boolean {
  return read.onOff('STREAMING', true);
}
