/**
 * A WebVTT transcript → the file(s) Q gets. Q reads no .vtt, so the cues become plain text lines
 * "Speaker (hh:mm:ss): what they said", consecutive cues of one speaker joined (about half the
 * size of the VTT). Within Q's limits: parts of at most 10 MB, at most 5 files; anything beyond
 * is cut at a line and reported so the card can say so. Pure: text in, files out.
 */
import type { QAttachment } from '../../domain/qTurn';
import { MAX_FILE_BYTES, MAX_FILES } from '../answering/fileAttachments';

export interface TranscriptFiles {
  files: QAttachment[];
  /** Lines left out because the transcript did not fit in Q's files. */
  droppedLines: number;
  /** The time of the last line Q got, when lines were left out. */
  coveredUntil?: string;
  lines: number;
}

const CUE_TIME = /^(\d{2,}:)?\d{2}:\d{2}\.\d{3}\s+-->\s+/;

export function transcriptLines(vtt: string): string[] {
  const lines: string[] = [];
  let start = '';
  let lastSpeaker: string | undefined;
  for (const raw of vtt.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line || line === 'WEBVTT' || /^NOTE\b/.test(line)) continue;
    if (CUE_TIME.test(line)) {
      start = (line.split(/\s+-->/)[0] ?? '').replace(/\.\d{3}$/, '');
      continue;
    }
    if (/^[0-9a-f-]{8,}(\/\d+-\d+)?$/i.test(line)) continue; // cue identifiers
    const voice = /^<v\s+([^>]*)>(.*?)(<\/v>)?$/.exec(line);
    const speaker = (voice ? voice[1] : undefined)?.trim() || 'Unknown speaker';
    const text = (voice ? voice[2] ?? '' : line).replace(/<[^>]+>/g, '').trim();
    if (!text) continue;
    if (speaker === lastSpeaker && lines.length > 0) lines[lines.length - 1] += ` ${text}`;
    else lines.push(`${speaker} (${start || '00:00:00'}): ${text}`);
    lastSpeaker = speaker;
  }
  return lines;
}

export function transcriptFiles(vtt: string, limits = { maxFiles: MAX_FILES, maxBytes: MAX_FILE_BYTES }): TranscriptFiles {
  const lines = transcriptLines(vtt);
  const parts: string[][] = [[]];
  const sizes = [0];
  let kept = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(`${line}\n`);
    if (sizes[sizes.length - 1]! + bytes > limits.maxBytes) {
      if (parts.length === limits.maxFiles || bytes > limits.maxBytes) break;
      parts.push([]);
      sizes.push(0);
    }
    parts[parts.length - 1]!.push(line);
    sizes[sizes.length - 1]! += bytes;
    kept += 1;
  }
  const name = (index: number): string => (parts.length === 1 ? 'meeting-transcript.txt' : `meeting-transcript-part-${index + 1}.txt`);
  const files = parts.filter((part) => part.length > 0).map((part, index) => ({ name: name(index), data: Buffer.from(`${part.join('\n')}\n`, 'utf8') }));
  const dropped = lines.length - kept;
  const lastKept = lines[kept - 1];
  const coveredUntil = dropped > 0 && lastKept ? /\((\d[\d:]*)\)/.exec(lastKept)?.[1] : undefined;
  return { files, droppedLines: dropped, lines: lines.length, ...(coveredUntil ? { coveredUntil } : {}) };
}
