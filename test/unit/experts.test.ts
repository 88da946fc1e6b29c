/**
 * Ask an expert's settings and cards: EXPERTS_CHANNEL and a scope's `experts` parsed with errors
 * that name the variable or field; the scope's experts win over the default; every expert card
 * valid (schema and the Adaptive Cards library), hostile names and questions only in TextRuns.
 */
import assert from 'node:assert/strict';
import { askExpertDialog, expertAnswerCard, expertAnswerDialog, expertAnswerPlaceholder, expertRequestCard } from '../../src/cards/expertCards';
import { ConfigError, loadConfig } from '../../src/config';
import { parseExpertsChannel } from '../../src/domain/experts';
import { parseKnowledgeScopes } from '../../src/domain/knowledgeScopes';
import { spacePolicies } from '../../src/domain/spacePolicy';
import { libraryErrors, schemaErrors } from '../helpers/cardValidation';

const minimal = { AMAZON_Q_APP_ID: '12345678-1234-1234-1234-123456789012', AMAZON_Q_REGION: 'us-east-1' };
const TEAM = '19:team-experts@thread.tacv2';
const CHANNEL = '19:experts-desk@thread.tacv2';
const HOSTILE = '**Boss** [click](javascript:alert(1)) <img src=x onerror=alert(1)> \u202Eexe.pdf';

/** Every `text` outside a TextRun (TextBlocks parse markdown) and every Input title/label/errorMessage. */
function markdownSurfaces(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'TextBlock' && typeof record.text === 'string') found.push(record.text);
    if (typeof record.type === 'string' && record.type.startsWith('Input.')) for (const key of ['title', 'label', 'errorMessage', 'placeholder']) if (typeof record[key] === 'string') found.push(record[key] as string);
    Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}

describe('Ask an expert: settings', () => {
  it('EXPERTS_CHANNEL is "<team id>,<channel id>"; anything else stops the bot naming the variable', () => {
    assert.deepEqual(loadConfig({ ...minimal, EXPERTS_CHANNEL: `${TEAM}, ${CHANNEL}` }).expertsChannel, { teamId: TEAM, channelId: CHANNEL });
    assert.equal(loadConfig(minimal).expertsChannel, undefined);
    for (const bad of [TEAM, `${TEAM},${CHANNEL};messageid=1`, `team,${CHANNEL}`, `${TEAM},${CHANNEL},x`]) {
      assert.throws(() => loadConfig({ ...minimal, EXPERTS_CHANNEL: bad }), (error: unknown) => error instanceof ConfigError && /EXPERTS_CHANNEL/.test(error.message), bad);
    }
    assert.ok('problem' in parseExpertsChannel('19:a,'));
  });

  it('a scope’s experts are parsed, checked, and win over the default; 1:1 chats use the default', () => {
    const entry = { name: 'Finance', attributeFilter: { equalsTo: { name: 'dept', value: { stringValue: 'finance' } } }, teams: ['19:team-finance@thread.tacv2'] };
    const parsed = parseKnowledgeScopes({ scopes: [{ ...entry, experts: { team: TEAM, channel: CHANNEL } }] });
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.scopes[0]?.experts, { teamId: TEAM, channelId: CHANNEL });
    const refused = parseKnowledgeScopes({ scopes: [{ ...entry, experts: { team: 'x', channel: CHANNEL } }] });
    assert.match(refused.problems.join('\n'), /"Finance"\) field "experts"/);

    const fallback = { teamId: '19:default@thread.tacv2', channelId: '19:default-desk@thread.tacv2' };
    const policies = spacePolicies({ sharedSpaceAnswers: 'private', knowledgeScopes: parsed.scopes, expertsChannel: fallback });
    const inFinance = { type: 'message', channelId: 'msteams', serviceUrl: 'https://x', from: { id: '29:a' }, recipient: { id: '28:b' }, conversation: { id: '19:general@thread.tacv2;messageid=1', conversationType: 'channel' }, channelData: { team: { id: '19:team-finance@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' } } };
    assert.deepEqual(policies({ activity: inFinance, surface: 'shared' }).experts, { teamId: TEAM, channelId: CHANNEL });
    assert.deepEqual(policies({ activity: { ...inFinance, conversation: { id: 'a:1', conversationType: 'personal' }, channelData: {} }, surface: 'personal' }).experts, fallback);
    assert.equal(spacePolicies({ sharedSpaceAnswers: 'private', knowledgeScopes: [] })({ activity: { ...inFinance }, surface: 'shared' }).experts, undefined);
  });
});

describe('Ask an expert: cards', () => {
  const cards = {
    askDialog: askExpertDialog({ question: HOSTILE, askerName: HOSTILE, destination: HOSTILE, answer: { sourceTitles: [HOSTILE] }, answerKey: 'k' }),
    request: expertRequestCard({ requestKey: 'k', askerName: HOSTILE, question: HOSTILE, scopeName: 'Finance', qAnswer: { markdown: HOSTILE, sources: [HOSTILE] } }),
    answered: expertRequestCard({ requestKey: 'k', askerName: HOSTILE, question: HOSTILE, answered: { expertName: HOSTILE, at: new Date('2026-12-07T04:00:00Z') } }),
    answerDialog: expertAnswerDialog({ question: HOSTILE, askerName: HOSTILE, requestKey: 'k' }),
    answer: expertAnswerCard({ requestKey: 'k', question: HOSTILE, expertName: HOSTILE, markdown: HOSTILE }),
    placeholder: expertAnswerPlaceholder({ requestKey: 'k', askerName: HOSTILE, askerTeamsId: '29:a' }),
  };

  for (const [name, card] of Object.entries(cards)) {
    it(`${name}: valid, and hostile names and questions never reach markdown or Input titles`, () => {
      assert.deepEqual(schemaErrors(card), []);
      assert.deepEqual(libraryErrors(card), []);
      // Bidi overrides are removed everywhere; a TextRun shows its text as typed (never parsed as markdown).
      assert.doesNotMatch(JSON.stringify(card), /\u202E/);
      // Where text is parsed as markdown (TextBlocks) or labels an input: no script link, no HTML,
      // and the hostile name or question verbatim never (only an answer's markdown, through the content boundary).
      const surfaces = markdownSurfaces(card);
      for (const text of surfaces) {
        assert.doesNotMatch(text, /javascript:|onerror|<img/i, text);
        assert.equal(text.includes('[click](javascript'), false, text);
      }
      if (name !== 'request' && name !== 'answer') assert.equal(surfaces.some((text) => text.includes('Boss')), false, `${name}: ${surfaces.join(' | ')}`);
    });
  }

  it('the ask dialog shares Q’s answer and sources only if ticked (both default off)', () => {
    const toggles = (cards.askDialog.body as Array<Record<string, unknown>>).filter((element) => element.type === 'Input.Toggle');
    assert.deepEqual(toggles.map((toggle) => [toggle.id, toggle.value]), [['includeAnswer', 'false'], ['includeSources', 'false']]);
  });

  it('an answered request has no Answer button and says who answered and when', () => {
    assert.equal((cards.answered.actions ?? []).length, 0);
    assert.match(JSON.stringify(cards.answered), /Answered by.*2026-12-07 04:00 UTC/);
    assert.equal((cards.request.actions as unknown as Array<{ data: Record<string, unknown> }>)[0]?.data.verb, 'expert.answer');
  });
});
