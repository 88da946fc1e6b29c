import assert from 'node:assert/strict';
import { Lexer, type Token } from 'marked';
import { escapeMarkdown, markdownLine, plainLine, plainSnippet, plainTitle, TEXT_LIMITS } from '../../../src/content/plainText';
import { HOSTILE_DOCUMENTS } from '../../helpers/hostileContent';

/** Token types a line of escaped text may produce: nothing but text. */
function constructs(markdown: string): string[] {
  const found: string[] = [];
  const visit = (token: Token): void => {
    if (!['paragraph', 'text', 'escape', 'space'].includes(token.type)) found.push(token.type);
    if ('tokens' in token && Array.isArray(token.tokens)) token.tokens.forEach(visit);
  };
  new Lexer({ gfm: true }).lex(markdown).forEach(visit);
  return found;
}

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

  it('escapes markdown so text forms no link, list, heading, emphasis, code or HTML', () => {
    const samples = ['[Reset your password](https://evil.example/reset)', '1. Open the portal', '# Urgent', '- item', '**bold** _it_ ~~x~~ `code`', '<a href="javascript:alert(1)">x</a>', '<javascript:alert(1)>', '| a | b |', '> quote', '![img](https://evil.example/p.png)', '\\[x\\](javascript:alert(1))'];
    for (const sample of samples) assert.deepEqual(constructs(escapeMarkdown(sample)), [], sample);
    assert.equal(escapeMarkdown('1. Open the portal'), '1\\. Open the portal');
    assert.equal(escapeMarkdown('[x](y)'), '\\[x\\](y)');
  });

  it('shows a snippet as text: a snippet starting "1." is not a list', () => {
    const snippet = markdownLine(plainSnippet('1. Open the portal\n2. Enter your password\n3. [Confirm](javascript:alert(1))'), TEXT_LIMITS.snippet);
    assert.deepEqual(constructs(snippet), []);
    assert.equal(plainSnippet('## Heading\n```js\ncode\n```\n| a | b |'), 'Heading code a b');
  });

  it('turns every hostile title, snippet and field into one plain, capped line with no markdown', () => {
    for (const document of HOSTILE_DOCUMENTS) {
      for (const raw of [document.title, document.snippet, document.body, document.url]) {
        const line = markdownLine(raw, TEXT_LIMITS.fieldValue);
        assert.ok(!line.includes('\n'), document.name);
        assert.ok(plainLine(raw, TEXT_LIMITS.fieldValue).length <= TEXT_LIMITS.fieldValue, document.name);
        assert.deepEqual(constructs(line).filter((type) => type !== 'link' || !/^https?:/.test(line)), [], `${document.name}: ${line.slice(0, 80)}`);
      }
    }
  });
});
