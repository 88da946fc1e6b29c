/**
 * Files sent with a question (Teams file attachments with a download URL) → Q Business chat
 * attachments. Limits are Q's: at most 5 files, 10 MB each, and only the types Q reads; a file
 * outside them is named with the reason before anything is sent to Q.
 */
import type { InboundActivity } from '../../domain/turn';
import { isLoopbackHost } from '../../frontDoor/inboundActivity';

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const SUPPORTED_EXTENSIONS = ['pdf', 'docx', 'doc', 'pptx', 'ppt', 'xlsx', 'xls', 'csv', 'txt', 'md', 'html', 'htm', 'xml', 'json', 'rtf'];

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
/** Where Teams keeps file content (OneDrive and SharePoint, public and sovereign clouds). */
const TEAMS_FILE_HOSTS = [/\.sharepoint\.com$/, /\.sharepoint\.us$/, /\.sharepoint-mil\.us$/, /\.sharepoint\.de$/, /\.sharepoint\.cn$/, /\.sharepoint-df\.com$/];
/** A download that takes longer than this is given up (the person hears that it failed). */
export const DOWNLOAD_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;

export interface DownloadPolicy {
  /** Development only: http downloads from loopback (the tests' and playground's file hosts). */
  allowLoopback: boolean;
}

export interface QAttachment {
  name: string;
  data: Uint8Array;
}

export interface CollectedFiles {
  files: QAttachment[];
  /** One line per file that cannot be sent, saying why. */
  problems: string[];
  /** Attachments the bot cannot download (e.g. files in channels without a download URL). */
  unreachable: string[];
}

export function hasFiles(activity: Partial<InboundActivity>): boolean {
  return (activity.attachments ?? []).some((attachment) => attachment.contentType === TEAMS_FILE || isSharedFileLink(attachment.contentType));
}

export async function collectFiles(activity: Partial<InboundActivity>, policy: DownloadPolicy = { allowLoopback: false }): Promise<CollectedFiles> {
  const attachments = activity.attachments ?? [];
  const downloadable = attachments.filter((attachment) => attachment.contentType === TEAMS_FILE);
  const unreachable = attachments.filter((attachment) => isSharedFileLink(attachment.contentType)).map((attachment) => attachment.name ?? 'a file');
  const problems: string[] = [];
  if (downloadable.length > MAX_FILES) {
    problems.push(`${downloadable.slice(MAX_FILES).map((file) => file.name).join(', ')}: Amazon Q Business takes at most ${MAX_FILES} files per message.`);
  }
  const files: QAttachment[] = [];
  for (const attachment of downloadable.slice(0, MAX_FILES)) {
    const name = attachment.name ?? 'file';
    const extension = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
    if (!SUPPORTED_EXTENSIONS.includes(extension)) {
      problems.push(`${name}: this file type is not supported (Amazon Q Business reads ${SUPPORTED_EXTENSIONS.join(', ')}).`);
      continue;
    }
    const url = (attachment.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
    if (typeof url !== 'string') {
      unreachable.push(name);
      continue;
    }
    if (!isTeamsFileUrl(url, policy)) {
      problems.push(`${name}: the download link does not point at Teams' file storage, so I did not open it.`);
      continue;
    }
    const downloaded = await download(url, policy);
    if (downloaded === 'tooLarge') problems.push(`${name}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the limit for one file.`);
    else if (downloaded === 'failed') problems.push(`${name}: Teams did not let me download it. Try sending it again.`);
    else files.push({ name, data: downloaded });
  }
  return { files, problems, unreachable };
}

/** Downloads at most MAX_FILE_BYTES, refusing larger files without reading them whole. */
async function download(url: string, policy: DownloadPolicy): Promise<Uint8Array | 'tooLarge' | 'failed'> {
  try {
    const signal = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
    let location = url;
    let response = await fetch(location, { redirect: 'manual', signal });
    // Redirects are followed only while they stay on Teams' file hosts.
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < MAX_REDIRECTS; hops += 1) {
      location = new URL(response.headers.get('location') ?? '', location).toString();
      if (!isTeamsFileUrl(location, policy)) return 'failed';
      response = await fetch(location, { redirect: 'manual', signal });
    }
    if (!response.ok || !response.body) return 'failed';
    if (Number(response.headers.get('content-length') ?? 0) > MAX_FILE_BYTES) {
      await response.body.cancel();
      return 'tooLarge';
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_FILE_BYTES) return 'tooLarge';
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch {
    return 'failed';
  }
}

/** https on a Teams file host; loopback http only when development allows it. */
export function isTeamsFileUrl(text: string, policy: DownloadPolicy): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'http:') return policy.allowLoopback && isLoopbackHost(url.hostname);
  return url.protocol === 'https:' && (TEAMS_FILE_HOSTS.some((host) => host.test(url.hostname)) || (policy.allowLoopback && isLoopbackHost(url.hostname)));
}

/** Anything that is a file but not one the bot can download (e.g. a SharePoint reference in a channel). */
function isSharedFileLink(contentType: string): boolean {
  return contentType !== TEAMS_FILE && contentType !== 'text/html' && !contentType.startsWith('application/vnd.microsoft.card.');
}
