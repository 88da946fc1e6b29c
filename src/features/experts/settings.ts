/** Where "Ask an expert" requests go when the space's knowledge scope names no experts. */
import { parseExpertsChannel, type ExpertsChannel } from '../../domain/experts';
import { defineSettings, type NamesOf } from '../../settings/definition';
import type { SettingsReader } from '../../settings/reader';

export const EXPERTS_SETTINGS = defineSettings([
  {
    names: ['EXPERTS_CHANNEL'],
    required: 'no (none)',
    meaning:
      'where "Ask an expert" requests go when the space\'s knowledge scope names no `experts`: `<team id>,<channel id>` (both `19:…`, as Teams puts them in `channelData.team.id` and `channelData.channel.id`). The app must be installed in that team. Unset and no scope\'s `experts`: the button is not shown (see [The workbook](#the-workbook) and [When Q can\'t answer](using-in-teams.md#when-q-cant-answer-ask-an-expert))',
  },
]);

/** Absent: no "Ask an expert" button where no scope names experts. */
export function readExpertsChannel(read: SettingsReader<NamesOf<typeof EXPERTS_SETTINGS>>): ExpertsChannel | undefined {
  const raw = read.text('EXPERTS_CHANNEL');
  if (!raw) return undefined;
  const parsed = parseExpertsChannel(raw);
  if ('problem' in parsed) {
    read.problem(`EXPERTS_CHANNEL ${parsed.problem}.`);
    return undefined;
  }
  return parsed;
}
