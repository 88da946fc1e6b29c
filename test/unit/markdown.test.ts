import assert from 'node:assert/strict';
import { markdownToCardElements, renderAnswer } from '../../src/cards/markdown';
import { ANSWER_LIMITS } from '../../src/content/answerText';
import { citationMarker as cite } from '../../src/content/citationMarkers';

type Run = { type: string; text: string; weight?: string; italic?: boolean; strikethrough?: boolean; fontType?: string; size?: string; selectAction?: { type: string; url: string } };
const runs = (element: unknown): Run[] => ((element as { inlines?: Run[] }).inlines ?? []);
const textOf = (element: unknown): string => runs(element).map((run) => run.text).join('');
const allTexts = (elements: unknown): string[] => JSON.stringify(elements).match(/"text":"(?:[^"\\]|\\.)*"/g)?.map((match) => JSON.parse(match.slice(7))) ?? [];

describe('markdown → Teams card elements (structure, never markdown)', () => {
  it('emits no TextBlock at all: every piece of answer text is a TextRun', () => {
    const elements = markdownToCardElements('# T\n\nText **b** [l](https://x.example)\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> q\n\n```\ncode\n```');
    assert.equal(JSON.stringify(elements).includes('"TextBlock"'), false);
  });

  it('turns headings into bold runs of a size that follows the level', () => {
    const [h2, h4] = markdownToCardElements('## Booking travel\n\n#### Details');
    assert.deepEqual(h2, { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Booking travel', weight: 'Bolder', size: 'Medium' }], spacing: 'Medium' });
    assert.deepEqual(runs(h4), [{ type: 'TextRun', text: 'Details', weight: 'Bolder' }]);
  });

  it('maps bold, italic, strikethrough and code spans to run styles; links are runs with Action.OpenUrl; HTML goes', () => {
    const [paragraph] = markdownToCardElements('Use **TravelDesk** and _always_ `corp-cli`, see [policy](https://x.example/p) ~~old~~ <b>now</b>.');
    assert.equal(textOf(paragraph), 'Use TravelDesk and always corp-cli, see policy old now.');
    const styled = runs(paragraph);
    assert.equal(styled.find((run) => run.text === 'TravelDesk')?.weight, 'Bolder');
    assert.equal(styled.find((run) => run.text === 'always')?.italic, true);
    assert.equal(styled.find((run) => run.text === 'corp-cli')?.fontType, 'Monospace');
    assert.equal(styled.find((run) => run.text === 'old')?.strikethrough, true);
    assert.deepEqual(styled.find((run) => run.text === 'policy')?.selectAction, { type: 'Action.OpenUrl', url: 'https://x.example/p' });
  });

  it('a refused link target leaves only the words; a reference-style link stays literal text', () => {
    const [paragraph] = markdownToCardElements('Open [the portal](javascript:alert(1)) or [the form][f].\n\n[f]: https://evil.example/form');
    assert.equal(textOf(paragraph), 'Open the portal or [the form][f].');
    assert.equal(JSON.stringify(paragraph).includes('selectAction'), false);
  });

  it('link text never disguises its target: hosts in any script, URLs, addresses, numbers and citation markers', () => {
    const shown = (markdown: string): string => textOf(markdownToCardElements(markdown)[0]);
    assert.equal(shown('[intranet.example.com](https://evil.example/login)'), 'intranet.example.com (evil.example)');
    assert.equal(shown('[intranet\u2024example\u2024com](https://evil.example/login)'), 'intranet․example․com (evil.example)');
    assert.equal(shown('[іntranet.example.com](https://evil.example/login)'), 'іntranet.example.com (evil.example)');
    assert.equal(shown('[intranet．example．com](https://evil.example/login)'), 'intranet．example．com (evil.example)');
    assert.equal(shown('[intranet.exam\uFE00ple.com](https://evil.example/login)'), 'intranet.example.com (evil.example)');
    assert.equal(shown('[write to it@intranet.example.com](https://evil.example/)'), 'write to it@intranet.example.com (evil.example)');
    assert.equal(shown('[[2]](https://evil.example/)'), '[2] evil.example');
    assert.equal(shown('[٢](https://evil.example/)'), '٢ evil.example');
    // Honest text keeps its words: the host it names is the target's.
    assert.equal(shown('[intranet.example.com](https://intranet.example.com/it)'), 'intranet.example.com');
    assert.equal(shown('[the portal](https://intranet.example.com/it)'), 'the portal');
    assert.equal(shown('[it@intranet.example.com](mailto:it@intranet.example.com)'), 'it@intranet.example.com');
    assert.equal(shown('[ceo@intranet.example.com](mailto:attacker@intranet.example.com)'), 'ceo@intranet.example.com (intranet.example.com)');
    const [number] = runs(markdownToCardElements('[42](https://evil.example/)')[0]);
    assert.equal(number?.selectAction, undefined, 'a bare number is never link text');
  });

  it('citation markers are runs of their own, linked to their source when it has a URL', () => {
    const [paragraph] = markdownToCardElements(`Reset it in the portal ${cite(1)}${cite(2)} [3].`, new Map([[1, 'https://intranet.example.com/a'], [3, 'https://intranet.example.com/c']]));
    const markers = runs(paragraph).filter((run) => /^\[\d\]$/.test(run.text));
    assert.deepEqual(
      markers.map((run) => [run.text, run.selectAction?.url]),
      [
        ['[1]', 'https://intranet.example.com/a'],
        ['[2]', undefined],
      ],
    );
    assert.ok(runs(paragraph).some((run) => run.text.endsWith(' [3].') && !run.selectAction && run.weight !== 'Bolder'), 'a "[3]" in the text is text, even with a source 3');
  });

  it('turns a markdown table into a 1.5 Table with a header row', () => {
    const [table] = markdownToCardElements('| Region | Hotel |\n| --- | --- |\n| Europe | 220 EUR |\n| UK | **200** GBP |');
    assert.equal(table?.type, 'Table');
    assert.equal(table?.firstRowAsHeader, true);
    assert.equal((table?.columns as unknown[]).length, 2);
    const rows = table?.rows as Array<{ cells: unknown[] }>;
    assert.equal(rows.length, 3);
    assert.deepEqual(allTexts(rows[2]), ['UK', '200', ' GBP']);
    assert.equal(JSON.stringify(table).includes('|'), false);
  });

  it("turns fenced code into Teams' CodeBlock with monospace runs as the fallback", () => {
    const [code] = markdownToCardElements('```bash\ncorp-cli login\n\ncorp-cli vpn token reset\n```');
    const line = (text: string) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, fontType: 'Monospace' }], spacing: 'None' });
    assert.deepEqual(code, {
      type: 'CodeBlock',
      codeSnippet: 'corp-cli login\n\ncorp-cli vpn token reset',
      language: 'bash',
      fallback: { type: 'Container', style: 'emphasis', items: [line('corp-cli login'), line(' '), line('corp-cli vpn token reset')] },
    });
  });

  it('lists: one block per item with a bullet or number the bot writes, nesting by indentation', () => {
    const items = markdownToCardElements('3. First\n4. Second\n   - child *a*\n     - grandchild\n5. Third');
    assert.deepEqual(items.map(textOf), ['3. First', '4. Second', '\u00A0\u00A0\u00A0\u00A0◦ child a', '\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0• grandchild', '5. Third']);
  });

  it('renders task lists and block quotes', () => {
    const [done, todo, quote] = markdownToCardElements('- [x] done\n- [ ] todo\n\n> Note: **careful**');
    assert.equal(textOf(done), '• ☑ done');
    assert.equal(textOf(todo), '• ☐ todo');
    assert.equal(quote?.type, 'Container');
    assert.deepEqual(allTexts(quote), ['Note: ', 'careful']);
  });

  it('caps are applied before parsing: long, many-line and deeply nested answers are cut, not processed', () => {
    const long = renderAnswer('word '.repeat(ANSWER_LIMITS.characters));
    assert.equal(long.cut, true);
    assert.ok(long.text.length <= ANSWER_LIMITS.characters);
    const lines = renderAnswer(Array.from({ length: 5000 }, (_, index) => `line ${index}`).join('\n\n'));
    assert.equal(lines.cut, true);
    assert.ok(lines.text.split('\n').length <= ANSWER_LIMITS.lines);
    const deep = renderAnswer(Array.from({ length: 40 }, (_, depth) => `${'  '.repeat(depth)}- level ${depth}`).join('\n'));
    assert.ok(deep.text.split('\n').every((line) => /^ {0,8}-/.test(line)), 'indentation capped');
    // A paragraph with more inline syntax than the cap is shown as its text, not parsed (marked is quadratic there).
    const stars = renderAnswer('*a'.repeat(5000));
    assert.equal(stars.blocks.length, 1);
    assert.equal(textOf(stars.blocks[0]?.elements[0]), '*a'.repeat(5000));
  });
});
