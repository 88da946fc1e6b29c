import assert from 'node:assert/strict';
import { logSafeText, logSafeUrl } from '../../../src/content/logSafe';
import { capText, largestFitting, shortenAtBoundary, SURFACE_BUDGETS, utf16Bytes } from '../../../src/content/sizeBudget';

describe('content: log-safe text', () => {
  it('keeps a log line one line, without hidden characters, capped', () => {
    const line = logSafeText(`File "a.pdf"\n2026-01-01 level=error forged line\u202E ${'x'.repeat(500)}`);
    assert.ok(!line.includes('\n') && !line.includes('\u202E'));
    assert.ok(line.length <= 200);
  });

  it('redacts anything shaped like a credential', () => {
    const line = logSafeText('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl key AKIAABCDEFGHIJKLMNOP Bearer abc.def password=hunter2 and a long run QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789');
    for (const secret of ['eyJhbGci', 'AKIAABCDEFGHIJKLMNOP', 'abc.def', 'hunter2', 'QUJDREVGR0hJSktMTU5P']) assert.ok(!line.includes(secret), secret);
    assert.equal(logSafeText('request 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d failed'), 'request 0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d failed', 'request ids stay readable');
  });

  it('logs only the scheme and host of a URL', () => {
    assert.equal(logSafeUrl('https://auth.example.com/authorize?code=secret&state=x'), 'https://auth.example.com');
    assert.equal(logSafeUrl('javascript:alert(1)'), '[refused url]');
  });
});

describe('content: size budgets', () => {
  it('knows the budget of each surface', () => {
    assert.equal(SURFACE_BUDGETS.message, 40 * 1024);
    assert.equal(SURFACE_BUDGETS.messageExtensionResult, 28 * 1024);
    assert.equal(utf16Bytes({ a: 'é' }), JSON.stringify({ a: 'é' }).length * 2);
  });

  it('cuts text at a word or line boundary, never inside a surrogate pair', () => {
    assert.equal(capText('one two three four', 10), 'one two…');
    assert.equal(shortenAtBoundary('line one\nline two\nline three', 22), 'line one\nline two');
    const cut = shortenAtBoundary('🔑'.repeat(10), 5);
    assert.doesNotMatch(cut, /[\uD800-\uDBFF]$/);
  });

  it('finds the largest length that fits', () => {
    assert.equal(largestFitting(1000, (n) => n <= 1000), 1000);
    const found = largestFitting(100_000, (n) => n <= 31_337, 1);
    assert.ok(found >= 31_336 && found <= 31_337, String(found));
    assert.equal(largestFitting(10, () => false), -1);
  });
});
