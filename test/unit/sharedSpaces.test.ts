/**
 * Shared spaces, the pure parts: the placeholder and the asker's, shared and help views are valid
 * Teams cards that carry what they should and nothing else; the knowledge scopes file is checked
 * with problems naming the entry and field; SHARED_SPACE_ANSWERS and KNOWLEDGE_SCOPES_FILE in config.
 */
import assert from 'node:assert/strict';
import { problemsOf } from '../helpers/configProblems';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAnswerCard } from '../../src/cards/answerCard';
import { privateAskerView, privatePlaceholderCard, sharedByView, spaceHelpSection } from '../../src/cards/privateAnswerCards';
import { helpCard } from '../../src/cards/messageCards';
import { adaptiveCard, type AdaptiveCardJson } from '../../src/cards/types';
import { loadConfig } from '../../src/config';
import { attributeNames, parseKnowledgeScopes, scopeFor } from '../../src/domain/knowledgeScopes';
import { libraryErrors, schemaErrors, visibleActionCount } from '../helpers/cardValidation';

const minimal = { AMAZON_Q_APP_ID: '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45', AMAZON_Q_REGION: 'us-east-1' };
const HR_FILTER = { equalsTo: { name: '_data_source_id', value: { stringValue: 'hr' } } };

function assertValidTeamsCard(card: AdaptiveCardJson, label: string): void {
  assert.deepEqual(schemaErrors(card), [], `${label}: Adaptive Card 1.5 schema`);
  assert.deepEqual(libraryErrors(card), [], `${label}: adaptivecards validator`);
  assert.ok(visibleActionCount(card) <= 6, `${label}: at most 6 visible actions`);
}


describe('shared spaces: cards', () => {
  const placeholder = privatePlaceholderCard({ key: { answerKey: 'k-1' }, showVerb: 'answer.show', askedBy: 'Ada *Lovelace*', askerTeamsId: '29:ada', question: 'What is [our](https://evil.example) **bonus** policy?', kind: 'answer' });

  it('the placeholder, asker, shared and help views are valid Teams cards', () => {
    const answer = buildAnswerCard({ answerKey: 'k-1', markdown: 'The answer.', sources: [], feedback: { vote: 'none' }, view: 'vote', askedBy: 'Ada', askerTeamsId: '29:ada', viewer: 'asker', searchedScope: 'HR policies' });
    assertValidTeamsCard(placeholder, 'placeholder');
    assertValidTeamsCard(privatePlaceholderCard({ key: { actionKey: 'a-1' }, showVerb: 'plugin.show', askedBy: 'Ada', askerTeamsId: '29:ada', question: 'Create a ticket', kind: 'pluginAction', notice: 'Only Ada can act on this.' }), 'plugin placeholder');
    assertValidTeamsCard(privateAskerView(answer, 'k-1'), 'asker view');
    assertValidTeamsCard(sharedByView(answer, 'Ada'), 'shared view');
    assertValidTeamsCard({ ...helpCard(), body: [...helpCard().body, ...spaceHelpSection({ privateAnswers: true, scopeName: 'HR policies' })] }, 'help in a space');
  });

  it('the placeholder carries only the key, refreshes for the asker only, and shows names and the question as plain TextRuns', () => {
    assert.deepEqual(placeholder.refresh, { action: { type: 'Action.Execute', title: 'Show my view', verb: 'answer.show', data: { answerKey: 'k-1' } }, userIds: ['29:ada'] });
    for (const action of placeholder.actions ?? []) assert.deepEqual(Object.keys(action.data as object), ['answerKey']);
    assert.equal(JSON.stringify(placeholder).includes('"TextBlock"'), false, 'no markdown TextBlocks');
    const runs = JSON.stringify(placeholder);
    assert.ok(runs.includes('What is [our](https://evil.example) **bonus** policy?'), 'the question is shown as typed (a TextRun is never markdown)');
    assert.ok(runs.includes('Ada *Lovelace*'));
  });

  it('names the scope in the answer card footer as a TextRun', () => {
    const card = buildAnswerCard({ answerKey: 'k', markdown: 'x', sources: [], feedback: { vote: 'none' }, view: 'vote', searchedScope: '**HR**' });
    const footer = card.body.at(-1) as { type: string; inlines: Array<{ text: string }> } | undefined;
    assert.equal(footer?.type, 'RichTextBlock');
    assert.deepEqual(footer?.inlines.map((inline) => inline.text), ['Searched: ', '**HR**']);
  });

  it('the asker view adds Share; the shared view marks who shared it', () => {
    const base = adaptiveCard([{ type: 'TextBlock', text: 'x' }], [{ type: 'Action.Execute', title: '👍', verb: 'feedback.up' }]);
    assert.deepEqual(privateAskerView(base, 'k-1').actions?.map((action) => action.title), ['👍', 'Share with everyone here']);
    assert.match(JSON.stringify(sharedByView(base, 'Ada').body[0]), /Shared by .*Ada/);
  });
});

describe('shared spaces: knowledge scopes file', () => {
  it('accepts Q’s AttributeFilter shapes and finds the most specific scope (chat, then channel, then team)', () => {
    const parsed = parseKnowledgeScopes({
      scopes: [
        { name: 'Team', attributeFilter: { andAllFilters: [HR_FILTER, { notFilter: { containsAny: { name: '_category', value: { stringListValue: ['x'] } } } }] }, teams: ['19:team@thread.tacv2'] },
        { name: 'Channel', attributeFilter: { greaterThan: { name: '_last_updated_at', value: { dateValue: '2026-01-01T00:00:00Z' } } }, everyoneMaySee: true, channels: ['19:chan@thread.tacv2'] },
        { name: 'Chat', attributeFilter: { lessThanOrEquals: { name: 'level', value: { longValue: 3 } } }, chats: ['19:chat@thread.v2'] },
      ],
    });
    assert.deepEqual(parsed.problems, []);
    assert.equal(scopeFor(parsed.scopes, { conversationId: '19:chan@thread.tacv2;messageid=1', channelId: '19:chan@thread.tacv2', teamId: '19:team@thread.tacv2' })?.name, 'Channel');
    assert.equal(scopeFor(parsed.scopes, { conversationId: '19:other@thread.tacv2;messageid=1', channelId: '19:other@thread.tacv2', teamId: '19:team@thread.tacv2' })?.name, 'Team');
    assert.equal(scopeFor(parsed.scopes, { conversationId: '19:chat@thread.v2' })?.name, 'Chat');
    assert.equal(scopeFor(parsed.scopes, { conversationId: 'a:personal' }), undefined);
    assert.deepEqual(attributeNames(parsed.scopes[0]?.attributeFilter ?? {}), ['_data_source_id', '_category']);
  });

  it('names the entry and the field of every problem', () => {
    const { problems, scopes } = parseKnowledgeScopes({
      scopes: [
        { name: 'HR', attributeFilter: { equalsTo: { name: 'x', value: { stringValue: 1 } } }, channels: ['19:a@thread.tacv2'] },
        { name: '', attributeFilter: { fuzzy: {} }, teams: ['general'] },
        { name: 'Dup', attributeFilter: HR_FILTER, channels: ['19:a@thread.tacv2;messageid=5', '19:a@thread.tacv2'], everyoneMaySee: 'yes', colour: 'red' },
        { name: 'Nowhere', attributeFilter: { andAllFilters: [] } },
      ],
    });
    assert.deepEqual(scopes, [], 'a file with problems gives no scopes');
    const text = problems.join('\n');
    assert.match(text, /scopes\[0\] \("HR"\) field "attributeFilter\.equalsTo\.value\.stringValue": must be a string/);
    assert.match(text, /scopes\[1\] field "name": must be a non-empty string/);
    assert.match(text, /scopes\[1\] field "attributeFilter\.fuzzy": is not an AttributeFilter operator/);
    assert.match(text, /scopes\[1\] field "teams": "general" is not a Teams team id/);
    assert.match(text, /scopes\[2\] \("Dup"\) field "channels": "19:a@thread\.tacv2;messageid=5" is a thread id/);
    assert.match(text, /scopes\[2\] \("Dup"\) field "channels": "19:a@thread\.tacv2" is already listed by scopes\[0\] \("HR"\)/);
    assert.match(text, /scopes\[2\] \("Dup"\) field "everyoneMaySee": must be true or false/);
    assert.match(text, /scopes\[2\] \("Dup"\) field "colour": unknown field/);
    assert.match(text, /scopes\[3\] \("Nowhere"\) field "attributeFilter\.andAllFilters": must be a non-empty array/);
    assert.match(text, /scopes\[3\] \("Nowhere"\) field "teams": the scope lists no team, channel or chat/);
    assert.deepEqual(parseKnowledgeScopes([]).problems, ['the file must be a JSON object with a "scopes" array']);
  });
});

describe('shared spaces: settings', () => {
  const folder = mkdtempSync(join(tmpdir(), 'scopes-'));
  const file = (name: string, content: string): string => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  };

  it('SHARED_SPACE_ANSWERS is private by default, public on request, and nothing else', () => {
    assert.equal(loadConfig(minimal).sharedSpaceAnswers, 'private');
    assert.equal(loadConfig({ ...minimal, SHARED_SPACE_ANSWERS: 'Public' }).sharedSpaceAnswers, 'public');
    assert.match(problemsOf({ ...minimal, SHARED_SPACE_ANSWERS: 'everyone' }).join('\n'), /^SHARED_SPACE_ANSWERS must be "private" .* or "public", got "everyone"\.$/);
  });

  it('KNOWLEDGE_SCOPES_FILE is read at start-up; a missing, malformed or invalid file stops the bot naming the file, entry and field', () => {
    const good = file('good.json', JSON.stringify({ scopes: [{ name: 'HR', attributeFilter: HR_FILTER, channels: ['19:hr@thread.tacv2'] }] }));
    assert.deepEqual(loadConfig({ ...minimal, KNOWLEDGE_SCOPES_FILE: good }).knowledgeScopes, [{ name: 'HR', attributeFilter: HR_FILTER, everyoneMaySee: false, teams: [], channels: ['19:hr@thread.tacv2'], chats: [] }]);
    assert.match(problemsOf({ ...minimal, KNOWLEDGE_SCOPES_FILE: join(folder, 'absent.json') }).join('\n'), /^KNOWLEDGE_SCOPES_FILE ".*absent\.json" could not be read as JSON: ENOENT/);
    assert.match(problemsOf({ ...minimal, KNOWLEDGE_SCOPES_FILE: file('broken.json', '{"scopes": [') }).join('\n'), /could not be read as JSON/);
    const invalid = file('invalid.json', JSON.stringify({ scopes: [{ name: 'HR', attributeFilter: {}, chats: ['19:c@thread.v2'] }] }));
    assert.match(problemsOf({ ...minimal, KNOWLEDGE_SCOPES_FILE: invalid }).join('\n'), /^KNOWLEDGE_SCOPES_FILE ".*invalid\.json": scopes\[0\] \("HR"\) field "attributeFilter": must have exactly one of/);
  });
});
