/**
 * Files sent with a question (Teams file attachments with a download URL) → Q Business chat
 * attachments. Limits are Q's: at most 5 files, 10 MB each, and only the types Q reads; a file
 * outside them is named with the reason before anything is sent to Q.
 */
import type { Activity } from 'botbuilder';

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const SUPPORTED_EXTENSIONS = ['pdf', 'docx', 'doc', 'pptx', 'ppt', 'xlsx', 'xls', 'csv', 'txt', 'md', 'html', 'htm', 'xml', 'json', 'rtf'];

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';

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

export function hasFiles(activity: Partial<Activity>): boolean {
  return (activity.attachments ?? []).some((attachment) => attachment.contentType === TEAMS_FILE || isSharedFileLink(attachment.contentType));
}

export async function collectFiles(activity: Partial<Activity>): Promise<CollectedFiles> {
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
    const downloaded = await download(url);
    if (downloaded === 'tooLarge') problems.push(`${name}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the limit for one file.`);
    else if (downloaded === 'failed') problems.push(`${name}: Teams did not let me download it. Try sending it again.`);
    else files.push({ name, data: downloaded });
  }
  return { files, problems, unreachable };
}

/** Downloads at most MAX_FILE_BYTES, refusing larger files without reading them whole. */
async function download(url: string): Promise<Uint8Array | 'tooLarge' | 'failed'> {
  try {
    const response = await fetch(url);
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

/** Anything that is a file but not one the bot can download (e.g. a SharePoint reference in a channel). */
function isSharedFileLink(contentType: string): boolean {
  return contentType !== TEAMS_FILE && contentType !== 'text/html' && !contentType.startsWith('application/vnd.microsoft.card.');
}
