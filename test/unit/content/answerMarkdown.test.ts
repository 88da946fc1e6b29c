import assert from 'node:assert/strict';
import { Lexer } from 'marked';
import { linkTargets, sanitiseAnswerMarkdown } from '../../../src/content/answerMarkdown';
import { HOSTILE_DOCUMENTS, isAllowedTarget, markdownLinkTargets, UNGUARDED_BAD_LINK } from '../../helpers/hostileContent';

function assertSafe(output: string, label: string): void {
  for (const target of markdownLinkTargets(output)) assert.ok(isAllowedTarget(target), `${label}: ${target}`);
  assert.doesNotMatch(output, UNGUARDED_BAD_LINK, label);
  const html = new Lexer({ gfm: true }).lex(output).filter((token) => token.type === 'html' && token.raw.trim());
  assert.deepEqual(html, [], label);
  assert.doesNotMatch(output, /[\u202A-\u202E\u2066-\u2069]/, label);
}

describe('content: answer markdown', () => {
  it('keeps safe links, in canonical form', () => {
    assert.equal(sanitiseAnswerMarkdown('See [the policy](https://intranet.example.com/travel) and [IT](mailto:it@intranet.example.com).'), 'See [the policy](https://intranet.example.com/travel) and [IT](mailto:it@intranet.example.com).');
    assert.equal(sanitiseAnswerMarkdown('[a](https://x.example/a_(b))'), '[a](https://x.example/a_%28b%29)');
  });

  it('turns inline, autolink, reference-style and image links with other schemes into their text', () => {
    assert.equal(sanitiseAnswerMarkdown('Open [the portal](javascript:alert(1)) now.'), 'Open the portal now.');
    assert.equal(sanitiseAnswerMarkdown('Open [x](data:text/html,hi) now.'), 'Open x now.');
    assert.equal(sanitiseAnswerMarkdown('Use the [portal][1].\n\n[1]: javascript:alert(1)\n'), 'Use the \\[portal\\]\\[1\\].\n\n');
    assert.equal(sanitiseAnswerMarkdown('Go to <javascript:alert(1)>.'), 'Go to javascript\\[:\\]alert(1).');
    assert.equal(sanitiseAnswerMarkdown('![x](javascript:alert(1))'), 'x');
    assert.equal(sanitiseAnswerMarkdown('![chart](https://intranet.example.com/c.png)'), '[chart](https://intranet.example.com/c.png)');
  });

  it('keeps reference-style links as text, so a document cannot turn a citation marker into a link', () => {
    assert.equal(sanitiseAnswerMarkdown('Reset it there [1].\n\n[1]: https://evil.example/reset'), 'Reset it there \\[1\\].\n\n');
  });

  it('never lets a link inside a link survive, and keeps a single safe outer link at most', () => {
    const output = sanitiseAnswerMarkdown('[[Reset](javascript:alert(1))](https://intranet.example.com/it) [a [b](vbscript:x) c](https://evil.example/)');
    assertSafe(output, 'nested');
    assert.ok(markdownLinkTargets(output).length <= 2);
  });

  it('shows the real host after link text that names another place', () => {
    const output = sanitiseAnswerMarkdown('Reset at [https://intranet.example.com/reset](https://evil.example/reset).');
    assert.equal(output, 'Reset at [https:\\/\\/intranet.example.com/reset (evil.example)](https://evil.example/reset).');
    assert.equal(sanitiseAnswerMarkdown(output), output);
  });

  it('defangs a bare URL with user info so no linkifier takes it', () => {
    const output = sanitiseAnswerMarkdown('Sign in at https://intranet.example.com@evil.example/login today.');
    assert.deepEqual(markdownLinkTargets(output), []);
    assert.doesNotMatch(output, /https:\/\//);
  });

  it('removes raw HTML and keeps its text', () => {
    assert.equal(sanitiseAnswerMarkdown('<a href="javascript:alert(1)">Reset</a> here'), 'Reset here');
  });

  it('breaks a bad link even where escapes are ignored, and leaves code text as it is otherwise', () => {
    assert.equal(sanitiseAnswerMarkdown('Open \\[the portal\\](javascript:alert(1))'), 'Open \\[the portal\\]\\(javascript:alert(1))');
    assert.equal(sanitiseAnswerMarkdown('Run `npm test` and\n\n```\nls -la\n```'), 'Run `npm test` and\n\n```\nls -la\n```');
  });

  it('keeps ordinary text, emoji sequences and right-to-left scripts, dropping only bidi overrides', () => {
    assert.equal(sanitiseAnswerMarkdown('**Bold** _it_ 👩‍💻 שלום عربى'), '**Bold** _it_ 👩‍💻 שלום عربى');
    assert.equal(sanitiseAnswerMarkdown('Download \u202Efdp.exe\u202C now'), 'Download fdp.exe now');
  });

  it('leaves every hostile answer, snippet and title with only allowed link targets, and is stable', () => {
    for (const document of HOSTILE_DOCUMENTS) {
      for (const [part, raw] of [['body', document.body], ['snippet', document.snippet], ['title', document.title]] as const) {
        if (raw === undefined) continue;
        const output = sanitiseAnswerMarkdown(raw);
        assertSafe(output, `${document.name} ${part}`);
        assert.equal(sanitiseAnswerMarkdown(output), output, `${document.name} ${part} is stable`);
      }
    }
  });

  it('holds for 500 generated mixtures of hostile fragments', () => {
    const fragments = ['[a](javascript:alert(1))', '[b][r]', '\n\n[r]: javascript:x\n\n', '<javascript:x>', '](', '[', ']', '(', ')', '<', '>', '\\', '`', '**', '\n- ', '\n  - ', '\n> ', '\n1. ', ' https://a.example@evil.example ', ' www.x.example ', '[c](https://ok.example/)', '![i](data:x)', '<a href="javascript:1">', '</a>', '&colon;', 'javascript:', 'data:', ' ', '\n', '|', '\n| a | b |\n| - | - |\n| [x](vbscript:1) | y |\n', '\u202E', 'text'];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round += 1) {
      const input = Array.from({ length: 3 + random(25) }, () => fragments[random(fragments.length)]).join('');
      const output = sanitiseAnswerMarkdown(input);
      assertSafe(output, JSON.stringify(input));
      assert.deepEqual(linkTargets(output).filter((target) => !isAllowedTarget(target)), []);
    }
  });
});
