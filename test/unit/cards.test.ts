import assert from 'node:assert/strict';
import { buildAnswerCard, VISIBLE_SOURCES, type AnswerCardModel } from '../../src/cards/answerCard';
import { pluginAuthCard, pluginDoneCard } from '../../src/cards/pluginCards';
import { identityFailureCard, inPlaceSignInCard, signedInCard, signedOutCard } from '../../src/cards/signInCards';
import { emptyAnswerCard, failureCard, noAnswerCard, helpCard, newConversationCard, questionTooLongCard, welcomeCard } from '../../src/cards/messageCards';
import { CARD_BUDGET_UTF16_BYTES, fitAnswerToTeams, utf16Bytes } from '../../src/cards/teamsLimits';
import type { AdaptiveCardJson } from '../../src/cards/types';
import { QFailure, type QFailureKind } from '../../src/domain/failure';
import { libraryErrors, schemaErrors, visibleActionCount } from '../helpers/cardValidation';

const sources = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ number: index + 1, title: `Doc ${index + 1}`, url: `https://intranet.example.com/${index + 1}`, snippet: 'A short excerpt.', updatedOn: '2026-05-01' }));

const RICH_MARKDOWN = '### Steps\n\n1. Open **portal** [1]\n2. Reset\n   - remove old\n\n| Region | Limit |\n| --- | --- |\n| EU | 220 |\n\n```bash\ncorp-cli reset\n```\n\n> Note [2]';

function model(extra: Partial<AnswerCardModel> = {}): AnswerCardModel {
  return { answerKey: 'key-1', markdown: RICH_MARKDOWN, sources: sources(2), feedback: { vote: 'none' }, view: 'vote', ...extra };
}

function assertValidTeamsCard(card: AdaptiveCardJson, label: string): void {
  assert.deepEqual(schemaErrors(card), [], `${label}: Adaptive Card 1.5 schema`);
  assert.deepEqual(libraryErrors(card), [], `${label}: adaptivecards validator`);
  assert.equal(card.version, '1.5');
  assert.ok(visibleActionCount(card) <= 6, `${label}: at most 6 visible actions`);
}

describe('cards', () => {
  it('the validators do catch broken cards', () => {
    const broken = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock' }, { type: 'Fancy' }], actions: [{ type: 'Action.Execute' }] };
    assert.notDeepEqual(schemaErrors(broken), []);
    assert.notDeepEqual(libraryErrors(broken), []);
  });

  it('an answer inserted by the message extension has no "New conversation" in any vote state; a chat answer has it', () => {
    const titles = (card: AdaptiveCardJson): string[] => (card.actions ?? []).map((action) => String(action.title));
    const voteStates: Array<Partial<AnswerCardModel>> = [{}, { feedback: { vote: 'up' } }, { feedback: { vote: 'down', reason: 'NOT_COMPLETE' } }];
    for (const state of voteStates) {
      const label = JSON.stringify(state);
      assert.ok(titles(buildAnswerCard(model(state))).includes('New conversation'), `chat answer ${label}`);
      const inserted = buildAnswerCard(model({ ...state, inserted: true }));
      assert.ok(!titles(inserted).includes('New conversation'), `inserted answer ${label}`);
      assert.ok(titles(inserted).length > 0, `inserted answer ${label} keeps its vote actions`);
      assertValidTeamsCard(inserted, `inserted ${label}`);
    }
  });

  const states: Array<[string, Partial<AnswerCardModel>]> = [
    ['unrated', {}],
    ['reasons form', { view: 'reasons' }],
    ['rated helpful', { feedback: { vote: 'up' } }],
    ['rated not helpful', { feedback: { vote: 'down', reason: 'NOT_COMPLETE', comment: 'Missing steps' } }],
    ['with notice, truncation, failed files and a problem', { notice: 'New conversation.', truncated: true, failedAttachments: [{ name: 'a.exe', message: 'unsupported type' }], feedbackProblem: 'Try again.' }],
    ['many sources', { sources: sources(12) }],
    ['no sources', { sources: [] }],
  ];
  for (const [label, extra] of states) {
    it(`answer card (${label}) is valid for Teams`, () => assertValidTeamsCard(buildAnswerCard(model(extra)), label));
  }

  it('every other card is valid for Teams', () => {
    const failureKinds: QFailureKind[] = ['throttled', 'accessDenied', 'noLicense', 'validation', 'conversationGone', 'notFound', 'unavailable', 'unexpected'];
    const cards: Array<[string, AdaptiveCardJson]> = [
      ['welcome', welcomeCard()],
      ['help', helpCard()],
      ['new conversation', newConversationCard()],
      ['too long', questionTooLongCard(9000)],
      ['empty', emptyAnswerCard()],
      ['no answer', noAnswerCard()],
      ...failureKinds.map((kind): [string, AdaptiveCardJson] => [kind, failureCard(new QFailure(kind, 'detail', 'req-1', 'SomeException'), 'retry-1')]),
      ['interrupted stream', failureCard(new QFailure('throttled', 'detail', 'req-1', 'ThrottlingException'), 'retry-1', '**Reset token**\n\n1. Open the portal\n2. Choose')],
      ['plugin sign-in', pluginAuthCard('key', 'Jira', 'https://auth.example.com/authorize')],
      ['plugin submitted', pluginDoneCard('JIRA', 'submitted')],
      ['plugin cancelled', pluginDoneCard('SERVICE_NOW', 'cancelled')],
      ['in-place sign-in', inPlaceSignInCard('pending-key', 'Ada Lovelace')],
      ['signed in', signedInCard(true)],
      ['signed out', signedOutCard()],
      ['identity failure', identityFailureCard('notInIdentityCenter', 'req-2')],
    ];
    for (const [label, card] of cards) assertValidTeamsCard(card, label);
  });

  it('shows three sources and folds the rest behind a toggle', () => {
    const card = buildAnswerCard(model({ sources: sources(5) }));
    const json = JSON.stringify(card);
    const hidden = card.body.find((element) => element.id === 'more-sources');
    assert.equal(hidden?.isVisible, false);
    assert.equal((hidden?.items as unknown[]).length, 5 - VISIBLE_SOURCES);
    assert.match(json, /"title":"Show 2 more sources","targetElements":\["more-sources"\]/);
    assert.match(
      json,
      /"inlines":\[\{"type":"TextRun","text":"1\. "\},\{"type":"TextRun","text":"Doc 1","selectAction":\{"type":"Action.OpenUrl","url":"https:\/\/intranet\.example\.com\/1"\}\},\{"type":"TextRun","text":" · intranet\.example\.com","isSubtle":true\}\]/,
      'the title is a run linking to its own URL, with the host beside it',
    );
    assert.match(json, /A short excerpt\. · Updated 2026-05-01/);
  });

  it('feedback buttons are Action.Execute with an Action.Submit fallback carrying only the answer key', () => {
    const [up] = buildAnswerCard(model()).actions ?? [];
    assert.deepEqual(up, {
      type: 'Action.Execute',
      title: '👍 Helpful',
      verb: 'feedback.up',
      data: { answerKey: 'key-1' },
      fallback: { type: 'Action.Submit', title: '👍 Helpful', data: { answerKey: 'key-1', verb: 'feedback.up' } },
    });
  });

  it('shortens an answer that would exceed the Teams message size, and says so', () => {
    const huge = Array.from({ length: 400 }, (_, index) => `Paragraph ${index} with some words in it to take space. [1]`).join('\n\n');
    const { model: fitted, card } = fitAnswerToTeams(model({ markdown: `${huge}\n\n\`\`\`\n${'code line\n'.repeat(200)}\`\`\``, sources: sources(30) }));
    const largest = utf16Bytes(buildAnswerCard({ ...fitted, view: 'reasons' }));
    assert.ok(largest <= CARD_BUDGET_UTF16_BYTES, `the largest re-render is ${largest} bytes`);
    assert.ok(largest > CARD_BUDGET_UTF16_BYTES * 0.95, `keeps as much of the answer as fits (${largest} bytes)`);
    assert.ok(utf16Bytes(card) < largest);
    assert.equal(fitted.truncated, true);
    assert.equal(fitted.sources.length, 20);
    assert.match(JSON.stringify(card), /This answer was shortened to fit/);
    assert.match(fitted.markdown, /^Paragraph 0 with/);
    assertValidTeamsCard(card, 'fitted');
  });

  it('leaves an answer that fits untouched', () => {
    const { model: fitted } = fitAnswerToTeams(model());
    assert.equal(fitted.truncated, undefined);
    assert.equal(fitted.markdown, RICH_MARKDOWN);
  });
});
