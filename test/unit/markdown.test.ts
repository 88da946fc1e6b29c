import assert from 'node:assert/strict';
import { markdownToCardElements } from '../../src/cards/markdown';

const texts = (elements: unknown): string[] => JSON.stringify(elements).match(/"text":"(?:[^"\\]|\\.)*"/g)?.map((match) => JSON.parse(match.slice(7))) ?? [];

describe('markdown → Teams card elements', () => {
  it('turns headings into bold text of a size that follows the level', () => {
    const [h2, h4] = markdownToCardElements('## Booking travel\n\n#### Details');
    assert.deepEqual(h2, { type: 'TextBlock', text: '**Booking travel**', wrap: true, size: 'Medium', spacing: 'Medium' });
    assert.equal(h4?.text, '**Details**');
    assert.equal(h4?.size, 'Default');
  });

  it('keeps bold, italic and links, and drops what Teams cannot render inline', () => {
    const [paragraph] = markdownToCardElements('Use **TravelDesk** and _always_ `corp-cli`, see [policy](https://x.example/p) ~~old~~ <b>now</b>.');
    assert.equal(paragraph?.text, 'Use **TravelDesk** and _always_ corp-cli, see [policy](https://x.example/p) old now.');
  });

  it('turns a markdown table into a 1.5 Table with a header row', () => {
    const [table] = markdownToCardElements('| Region | Hotel |\n| --- | --- |\n| Europe | 220 EUR |\n| UK | **200** GBP |');
    assert.equal(table?.type, 'Table');
    assert.equal(table?.firstRowAsHeader, true);
    assert.equal((table?.columns as unknown[]).length, 2);
    const rows = table?.rows as Array<{ cells: unknown[] }>;
    assert.equal(rows.length, 3);
    assert.deepEqual(texts(rows[2]), ['UK', '**200** GBP']);
    assert.equal(JSON.stringify(table).includes('|'), false);
  });

  it("turns fenced code into Teams' CodeBlock with a monospace fallback", () => {
    const [code] = markdownToCardElements('```bash\ncorp-cli login\n\ncorp-cli vpn token reset\n```');
    const line = (text: string) => ({ type: 'TextBlock', text, wrap: true, fontType: 'Monospace', spacing: 'None' });
    assert.deepEqual(code, {
      type: 'CodeBlock',
      codeSnippet: 'corp-cli login\n\ncorp-cli vpn token reset',
      language: 'bash',
      fallback: { type: 'Container', style: 'emphasis', items: [line('corp-cli login'), line(' '), line('corp-cli vpn token reset')] },
    });
  });

  it('flattens nested lists and keeps ordered numbering', () => {
    const [list] = markdownToCardElements('3. First\n4. Second\n   - child *a*\n     - grandchild\n5. Third');
    assert.equal(list?.text, '3. First\n4. Second\n- ↳ child _a_\n- ↳ grandchild\n5. Third');
  });

  it('renders task lists and block quotes', () => {
    const [tasks, quote] = markdownToCardElements('- [x] done\n- [ ] todo\n\n> Note: **careful**');
    assert.equal(tasks?.text, '- ☑ done\n- ☐ todo');
    assert.equal(quote?.type, 'Container');
    assert.deepEqual(texts(quote), ['Note: **careful**']);
  });

  it('never leaves raw heading, table or fence syntax in any text', () => {
    const elements = markdownToCardElements('# Title\n\nText\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n---\n\n### End');
    for (const text of texts(elements)) assert.doesNotMatch(text, /^#{1,6} |^\||```/m);
  });
});
