/**
 * Key → blob name, exactly as botbuilder-azure-blobs 4.x names its blobs, so state written by the
 * earlier store keeps reading: empty path segments dropped (a leading "/" kept), segments past the
 * 255th joined without "/", the whole key URI-encoded ("/" too, so names are flat) and cut to 1,024
 * characters. Keys that agree on their first 1,024 encoded characters share a blob, as before.
 */

/** Azure's limit on a blob name, in characters of the encoded key. */
const MAX_NAME = 1024;
/** Azure allows at most 254 "/" in a blob name; the earlier store stopped adding them after that. */
const MAX_SEGMENTS = 255;

export function blobName(key: string): string {
  if (key.length === 0) throw new Error('A state key must not be empty');
  const segments = key.split('/');
  let joined = segments[0] as string;
  for (let index = 1; index < segments.length; index += 1) {
    const segment = segments[index] as string;
    if (segment) joined += (index < MAX_SEGMENTS ? '/' : '') + segment;
  }
  return encodeURIComponent(joined).slice(0, MAX_NAME);
}
