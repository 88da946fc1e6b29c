import assert from 'node:assert/strict';
import { streamableMarkdown } from '../../src/cards/streamText';

describe('streamed text (never half a markdown construct)', () => {
  it('waits for the end of a word and turns headings into bold lines', () => {
    assert.equal(streamableMarkdown('### Reset token\n\nOpen the VPN cli'), '**Reset token**\n\nOpen the VPN');
  });

  it('shows a code block only once it is complete', () => {
    assert.equal(streamableMarkdown('Run this:\n\n```bash\ncorp-cli vpn '), 'Run this:');
    assert.equal(streamableMarkdown('Run this:\n\n``'), 'Run this:');
    assert.equal(streamableMarkdown('Run:\n```\nx\n```\nDone now '), 'Run:\n```\nx\n```\nDone now');
  });

  it('shows only complete table rows', () => {
    assert.equal(streamableMarkdown('| City | Hotel |\n|---|---|\n| Paris | 2'), '| City | Hotel |\n|---|---|');
  });

  it('never shows an unclosed bold, inline code or link', () => {
    assert.equal(streamableMarkdown('Use the **reset '), 'Use the');
    assert.equal(streamableMarkdown('Type `corp-cli '), 'Type');
    assert.equal(streamableMarkdown('See [the VPN page](https://intra '), 'See');
    // Streamed text carries no links: the words only (the final card has the checked link).
    assert.equal(streamableMarkdown('See [the VPN page](https://intranet/vpn) now '), 'See the VPN page now');
    assert.equal(streamableMarkdown('Go to https://intranet.example.com/vpn or <https://evil.example> or mail it@corp.example now '), 'Go to https[:]//intranet.example.com/vpn or https[:]//evil.example or mail it[@]corp[.]example now');
    assert.equal(streamableMarkdown('[x](https://a.example/\tb) \\[y\\](javascript:alert(1)) [[2]](https://evil.example) '), 'x \\y\\ [[2]] (https[:]//evil.example)');
  });

  it('only ever grows as more text arrives', () => {
    const answer = '### Daily allowances\n\n| City | Hotel |\n|---|---|\n| Paris | 250 |\n\nRun `corp-cli travel` or see **the [policy](https://x/y)** for more.\n\n```\ncode here\n```\nEnd.';
    let previous = '';
    for (let length = 1; length <= answer.length; length += 1) {
      const shown = streamableMarkdown(answer.slice(0, length));
      assert.ok(shown.startsWith(previous), `not a continuation at ${length}: "${previous}" → "${shown}"`);
      previous = shown;
    }
    assert.match(previous, /\*\*Daily allowances\*\*[\s\S]*\| Paris \| 250 \|[\s\S]*code here\n```$/, 'the last word waits for what follows it');
  });
});
