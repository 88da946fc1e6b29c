import assert from 'node:assert/strict';
import { decideLink, safeHttpsLink, safeLink } from '../../../src/content/links';
import { HOSTILE_URLS } from '../../helpers/hostileContent';

describe('content: link policy', () => {
  it('accepts https, http and mailto links and gives their host', () => {
    assert.deepEqual(safeLink('https://intranet.example.com/it/reset?x=1#top'), { href: 'https://intranet.example.com/it/reset?x=1#top', host: 'intranet.example.com', scheme: 'https' });
    assert.deepEqual(safeLink('http://wiki/Page'), { href: 'http://wiki/Page', host: 'wiki', scheme: 'http' });
    assert.deepEqual(safeLink('HTTPS://Intranet.Example.COM'), { href: 'https://intranet.example.com/', host: 'intranet.example.com', scheme: 'https' });
    assert.deepEqual(safeLink('mailto:it@intranet.example.com'), { href: 'mailto:it@intranet.example.com', host: 'intranet.example.com', scheme: 'mailto' });
  });

  it('refuses every other scheme, however it is written', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'javascript&colon;alert(1)', '%6Aavascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://x.example/', 'ms-msdt:/id x', 'tel:+1555', 'about:blank', '/relative', '//evil.example/x']) {
      const decision = decideLink(url);
      assert.equal(decision.ok, false, url);
    }
    assert.deepEqual(decideLink('vbscript:x'), { ok: false, kind: 'scheme' });
  });

  it('refuses user info, hidden characters, backslashes and unparseable hosts, each with its kind', () => {
    assert.deepEqual(decideLink('https://intranet.example.com@evil.example/login'), { ok: false, kind: 'userinfo' });
    assert.deepEqual(decideLink('https://user:pw@intranet.example.com/'), { ok: false, kind: 'userinfo' });
    assert.deepEqual(decideLink('https://intranet.example.com/\u202Eexe.fdp'), { ok: false, kind: 'characters' });
    assert.deepEqual(decideLink('https://intranet.example.com/a b'), { ok: false, kind: 'characters' });
    assert.deepEqual(decideLink('https://intranet.example.com/\u200Bx'), { ok: false, kind: 'characters' });
    assert.deepEqual(decideLink('https:\\\\evil.example\\x'), { ok: false, kind: 'characters' });
    assert.deepEqual(decideLink('https://[::g]/'), { ok: false, kind: 'unparseable' });
    assert.deepEqual(decideLink('https:///evil.example'), { ok: false, kind: 'unparseable' });
    assert.deepEqual(decideLink('https://x.example:99999/'), { ok: false, kind: 'unparseable' });
    assert.deepEqual(decideLink(''), { ok: false, kind: 'empty' });
    assert.deepEqual(decideLink(42), { ok: false, kind: 'empty' });
    assert.deepEqual(decideLink(`https://x.example/${'a'.repeat(3000)}`), { ok: false, kind: 'too-long' });
  });

  it('shows internationalised and look-alike hosts in their ASCII (punycode) form, in the target too', () => {
    const link = safeLink('https://\u0456ntranet.example.com/it');
    assert.equal(link?.host, 'xn--ntranet-qog.example.com');
    assert.equal(link?.href, 'https://xn--ntranet-qog.example.com/it');
    assert.equal(safeLink('mailto:it@b\u00fccher.example')?.host, 'xn--bcher-kva.example');
  });

  it('encodes what could end a markdown link, so a URL can never add a second link', () => {
    const link = safeLink('https://intranet.example.com/a_(b)/[c]<d>\'e\'`f`');
    assert.equal(link?.href, 'https://intranet.example.com/a_%28b%29/%5Bc%5D%3Cd%3E%27e%27%60f%60');
    assert.equal(safeLink('https://[::1]:8443/x(y)')?.href, 'https://[::1]:8443/x%28y%29');
  });

  it('drops mailto headers that would pre-fill other recipients or the body', () => {
    assert.equal(safeLink('mailto:it@intranet.example.com?cc=attacker@evil.example&body=secret')?.href, 'mailto:it@intranet.example.com');
    for (const bad of ['mailto:', 'mailto:@evil.example', 'mailto:a,b@evil.example', 'mailto:a@localhost']) assert.equal(safeLink(bad), undefined, bad);
  });

  it('lets only https become a sign-in button', () => {
    assert.equal(safeHttpsLink('https://auth.example.com/authorize?x=1')?.host, 'auth.example.com');
    assert.equal(safeHttpsLink('http://auth.example.com/authorize'), undefined);
    assert.equal(safeHttpsLink('mailto:a@b.example'), undefined);
    assert.equal(safeHttpsLink('javascript:alert(1)'), undefined);
  });

  it('gives every hostile URL of the corpus either a refusal or a clean web target', () => {
    assert.ok(HOSTILE_URLS.length >= 40, `${HOSTILE_URLS.length} hostile URLs`);
    for (const url of HOSTILE_URLS) {
      const link = safeLink(url);
      if (!link) continue;
      const parsed = new URL(link.href);
      assert.ok(['https:', 'http:', 'mailto:'].includes(parsed.protocol), url);
      assert.equal(parsed.username + parsed.password, '', url);
      assert.doesNotMatch(link.href, /[\s()<>\\]/, url);
    }
  });
});
