/**
 * Answers in channels, group and meeting chats: private to the asker until shared, or posted for
 * all; and the knowledge scopes that decide what each space searches. The scopes file is read
 * once, at start-up: a broken file stops the bot instead of searching too much.
 */
import { readFileSync } from 'node:fs';
import { parseKnowledgeScopes, type KnowledgeScope } from '../../domain/knowledgeScopes';
import { defineSettings, type NamesOf } from '../../settings/definition';
import type { SettingsReader } from '../../settings/reader';

export const SHARED_SPACES_SETTINGS = defineSettings([
  {
    names: ['SHARED_SPACE_ANSWERS'],
    required: 'no (`private`)',
    meaning:
      '`private`: in channels, group chats and meeting chats an answer is shown to the asker only until they share it (see [Answers in shared spaces](security.md#answers-in-shared-spaces)); `public`: every answer is posted for everyone in the conversation',
  },
  {
    names: ['KNOWLEDGE_SCOPES_FILE'],
    required: 'no (none)',
    meaning:
      'path of a JSON file of knowledge scopes: per team, channel or chat, the Q `attributeFilter` its questions search with, a name shown on the cards, `everyoneMaySee` (answers there are posted for everyone), and optionally `experts` (`{"team": "19:…", "channel": "19:…"}`: where that scope\'s "Ask an expert" requests go, instead of `EXPERTS_CHANNEL`). Checked at start-up; an invalid file stops the bot with the entry and field named',
  },
]);

export interface SharedSpacesSettings {
  sharedSpaceAnswers: 'private' | 'public';
  /** Empty: every space searches everything. */
  knowledgeScopes: KnowledgeScope[];
}

type Name = NamesOf<typeof SHARED_SPACES_SETTINGS>;

export function readSharedSpacesSettings(read: SettingsReader<Name>): SharedSpacesSettings {
  return {
    sharedSpaceAnswers: read.choice('SHARED_SPACE_ANSWERS', ['private', 'public'], 'private', '"private" (answers in channels and group chats stay the asker\'s until shared) or "public"'),
    knowledgeScopes: readKnowledgeScopes(read),
  };
}

function readKnowledgeScopes(read: SettingsReader<Name>): KnowledgeScope[] {
  const file = read.text('KNOWLEDGE_SCOPES_FILE');
  if (!file) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    read.problem(`KNOWLEDGE_SCOPES_FILE "${file}" could not be read as JSON: ${(error as Error).message}`);
    return [];
  }
  const parsed = parseKnowledgeScopes(json);
  for (const problem of parsed.problems) read.problem(`KNOWLEDGE_SCOPES_FILE "${file}": ${problem}.`);
  return parsed.scopes;
}
