/**
 * A deliberately naive markdown link finder, standing in for renderers that do not follow
 * CommonMark (the native Adaptive Cards parser on iOS/Android starts a link at any `[` and is
 * reported to ignore backslash escapes): a link is any `[`…`](`…`)`, escapes and entities are not
 * honoured, and `<scheme:…>` autolinks, bare URLs, `www.` names and e-mail addresses count too.
 */
export function naiveLinkTargets(text: string): string[] {
  const targets: string[] = [];
  // `[` anywhere, then `](` later on the same logical span, then a target up to `)` or the end.
  for (let open = text.indexOf('['); open !== -1; open = text.indexOf('[', open + 1)) {
    const middle = text.indexOf('](', open + 1);
    if (middle === -1) break;
    const close = text.indexOf(')', middle + 2);
    targets.push(text.slice(middle + 2, close === -1 ? undefined : close).trim());
    // The next `[` before this `](` would find the same target: skip to it.
    open = middle;
  }
  for (const match of text.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]*)>/gi)) targets.push(match[1] as string);
  for (const match of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s<>()]+/gi)) targets.push(match[0]);
  for (const match of text.matchAll(/\bwww\.[^\s<>()]+/gi)) targets.push(match[0]);
  for (const match of text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)) targets.push(`mailto:${match[0]}`);
  return targets;
}
