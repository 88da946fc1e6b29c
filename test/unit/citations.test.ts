import assert from 'node:assert/strict';
import { placeCitations } from '../../src/cards/citations';
import { markdownToCardElements } from '../../src/cards/markdown';
import { citationMarker as cite } from '../../src/content/citationMarkers';
import type { SourceAttribution } from '../../src/domain/answer';

const answer = 'Reset the token in the portal. Call extension 4357 if you are remote.';
const segment = (text: string, fragment: string) => ({ beginOffset: text.indexOf(fragment), endOffset: text.indexOf(fragment) + fragment.length });

describe('citation placement', () => {
  it('puts markers at the end of each cited segment and numbers sources in reading order', () => {
    const sources: SourceAttribution[] = [
      { citationNumber: 1, title: 'Service desk', url: 'https://x/desk', segments: [segment(answer, 'Call extension 4357')] },
      { citationNumber: 2, title: 'VPN', url: 'https://x/vpn', segments: [segment(answer, 'Reset the token in the portal.')] },
    ];
    const cited = placeCitations(answer, sources);
    assert.equal(cited.markdown, `Reset the token in the portal. ${cite(1)} Call extension 4357 ${cite(2)} if you are remote.`);
    assert.deepEqual(cited.sources.map((source) => [source.number, source.title]), [[1, 'VPN'], [2, 'Service desk']]);
  });

  it('merges the same document cited twice into one source with both markers', () => {
    const sources: SourceAttribution[] = [
      { citationNumber: 1, title: 'VPN', url: 'https://x/vpn', segments: [segment(answer, 'Reset the token')] },
      { citationNumber: 2, title: 'VPN', url: 'https://x/vpn', segments: [segment(answer, 'if you are remote.')] },
    ];
    const cited = placeCitations(answer, sources);
    assert.equal(cited.sources.length, 1);
    assert.equal(cited.markdown, `Reset the token ${cite(1)} in the portal. Call extension 4357 if you are remote. ${cite(1)}`);
  });

  it('never splits a word, and combines markers at one spot', () => {
    const sources: SourceAttribution[] = [
      { title: 'A', url: 'https://x/a', segments: [{ beginOffset: 0, endOffset: 3 }] },
      { title: 'B', url: 'https://x/b', segments: [{ beginOffset: 0, endOffset: 5 }] },
    ];
    assert.equal(placeCitations(answer, sources).markdown.startsWith(`Reset ${cite(1)}${cite(2)} the`), true);
  });

  it('keeps markers out of code blocks and table pipes', () => {
    const text = 'Run this:\n\n```bash\ncorp-cli reset\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |';
    const sources: SourceAttribution[] = [
      { title: 'Code', url: 'https://x/code', segments: [{ endOffset: text.indexOf('reset') + 5 }] },
      { title: 'Table', url: 'https://x/table', segments: [{ endOffset: text.length }] },
    ];
    const cited = placeCitations(text, sources);
    assert.ok(cited.markdown.startsWith(`Run this: ${cite(1)}\n\n\`\`\`bash\ncorp-cli reset\n\`\`\``), cited.markdown);
    assert.ok(cited.markdown.endsWith(`| 1 | 2 ${cite(2)}|`), cited.markdown);
  });

  it('lists uncited sources after cited ones, with short snippets and dates', () => {
    const cited = placeCitations('Plain answer.', [
      { title: 'Guide', url: 'https://x/g', snippet: `## Heading\n${'word '.repeat(60)}`, updatedAt: new Date('2026-03-01T10:00:00Z'), segments: [] },
      { url: 'https://x/untitled', segments: [] },
    ]);
    assert.equal(cited.markdown, 'Plain answer.');
    const [guide, untitled] = cited.sources;
    assert.equal(guide?.updatedOn, '2026-03-01');
    assert.ok((guide?.snippet?.length ?? 0) <= 161 && guide?.snippet?.endsWith('…'));
    assert.doesNotMatch(guide?.snippet ?? '', /#/);
    assert.equal(untitled?.title, 'x', 'an untitled source is named by its host');
  });

  it('a "[2]" in Q\'s own text, or the marker\'s characters smuggled in (raw or as entities), is never a citation', () => {
    const text = 'Limits are in the annex [2] and \uE0001\uE001 here &#57344;1&#57345; too, &#xE000;2&#xe001 and &#0057344;3&#57345. Hotels cost 220 EUR.';
    const cited = placeCitations(text, [{ title: 'Travel', url: 'https://intranet.example.com/travel', segments: [{ endOffset: text.indexOf('EUR') + 3 }] }]);
    assert.equal(cited.markdown, `Limits are in the annex [2] and 1 here \uFFFD1\uFFFD too, \uFFFD2\uFFFD and \uFFFD3\uFFFD. Hotels cost 220 EUR ${cite(1)}.`);
    const runs = (markdownToCardElements(cited.markdown, new Map([[1, 'https://intranet.example.com/travel']]))[0] as unknown as { inlines: Array<{ text: string; weight?: string; selectAction?: { url: string } }> }).inlines;
    const styled = runs.filter((run) => run.weight === 'Bolder' || run.selectAction);
    assert.deepEqual(styled.map((run) => [run.text, run.selectAction?.url]), [['[1]', 'https://intranet.example.com/travel']], 'only the marker the bot placed is bold and linked');
    assert.ok(runs.map((run) => run.text).join('').includes('annex [2] and 1 here \uFFFD1\uFFFD too, \uFFFD2\uFFFD and \uFFFD3\uFFFD.'), JSON.stringify(runs));
  });
});
