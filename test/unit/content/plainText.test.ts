import assert from 'node:assert/strict';
import { plainLine, plainSnippet, plainTitle, TEXT_LIMITS } from '../../../src/content/plainText';
import { HOSTILE_DOCUMENTS } from '../../helpers/hostileContent';

describe('content: plain text', () => {
  it('makes a title one line: line breaks collapsed, bidi overrides, zero-width, tag and control characters removed', () => {
    assert.equal(plainTitle('Password policy\n\n1. Click\r\nhere'), 'Password policy 1. Click here');
    assert.equal(plainTitle('Invoice \u202Egpj.exe'), 'Invoice gpj.exe');
    assert.equal(plainTitle('Pass\u200Bword\u200C re\u200Dset\uFEFF\u2060'), 'Password reset');
    assert.equal(plainTitle(`Policy${String.fromCodePoint(0xe0049, 0xe0047)}`), 'Policy');
    assert.equal(plainTitle('Pass\u0000word\u0007 reset\u001b[31m'), 'Password reset[31m');
    assert.equal(plainTitle('a \uD800 b'), 'a \uFFFD b');
    assert.equal(plainTitle(undefined), '');
  });

  it('caps long text at its limit with an ellipsis, never splitting a surrogate pair', () => {
    const title = plainTitle('Password reset '.repeat(1334));
    assert.ok(title.length <= TEXT_LIMITS.title, String(title.length));
    assert.ok(title.endsWith('…'));
    const emoji = plainLine('🔑'.repeat(500), 101);
    assert.ok(emoji.length <= 101);
    assert.doesNotMatch(emoji, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('shows a snippet as text: fences, heading marks and table pipes dropped', () => {
    assert.equal(plainSnippet('## Heading\n```js\ncode\n```\n| a | b |'), 'Heading code a b');
  });

  it('one hidden-character rule: Arabic letter mark, word joiners, BOM, tags and disguising variation selectors go; emoji keep theirs', () => {
    assert.equal(plainLine('Pass\u061Cword\u2060\u2061\u2062\u2063\u2064 re\uFEFFset', 100), 'Password reset');
    assert.equal(plainLine('intra\uFE00net intra\uFE0Fnet', 100), 'intranet intranet');
    assert.equal(plainLine('ok \u2764\uFE0F 1\uFE0F\u20E3 \u{1F469}\u200D\u{1F4BB}', 100), 'ok \u2764\uFE0F 1\uFE0F\u20E3 \u{1F469}\u200D\u{1F4BB}');
    assert.equal(plainLine('zero\u200Dwidth \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645', 100), 'zerowidth \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645');
  });

  it('turns every hostile title, snippet and field into one plain, capped line', () => {
    for (const document of HOSTILE_DOCUMENTS) {
      for (const raw of [document.title, document.snippet, document.body, document.url]) {
        const line = plainLine(raw, TEXT_LIMITS.fieldValue);
        assert.ok(!line.includes('\n'), document.name);
        assert.ok(line.length <= TEXT_LIMITS.fieldValue, document.name);
      }
    }
  });
});
