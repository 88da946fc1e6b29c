/**
 * How the local Q answers a meeting recap (a question about attached meeting-transcript files):
 * the transcript's decisions, action items and open questions picked out by their wording, then
 * the company documents that speak to what was said (the knowledge search run on the
 * transcript's lines about figures and policies), cited like any answer. A stand-in for Q's model,
 * good enough to show the shape of a grounded recap: not a summariser.
 */
import type { Attribution, ComposedAnswer, Knowledge } from './knowledge';
import { NO_ANSWER_TEXT } from './knowledge';

export function isTranscriptFile(name: string): boolean {
  return /^meeting-transcript(-part-\d+)?\.txt$/.test(name);
}

const DECISION = /\b(decided|agreed|we'll go with|let's go with|approved|final answer)\b/i;
const ACTION = /\b(I'll|I will|will send|will book|will draft|action item|can you|please)\b/i;
const QUESTION = /\?\s*$/;
const GROUNDABLE = /\b(\d+\s?(USD|EUR|GBP|dollars|days|nights)|hotel|policy|budget|travel|expense|laptop|VPN|PTO|leave)\b/i;

export function recapAnswer(transcript: string, knowledge: Knowledge): ComposedAnswer {
  const lines = transcript.split('\n').map((line) => line.trim()).filter(Boolean);
  const pick = (pattern: RegExp, max = 5): string[] => lines.filter((line) => pattern.test(line)).slice(0, max);
  const bullets = (items: string[]): string => (items.length ? items.map((item) => `- ${item.slice(0, 300)}`).join('\n') : '- None found in the transcript.');
  let text = `**Decisions**\n${bullets(pick(DECISION))}\n\n**Action items**\n${bullets(pick(ACTION))}\n\n**Open questions**\n${bullets(pick(QUESTION, 3))}\n\n**What the company documents say**\n`;
  const grounded = knowledge.answer(pick(GROUNDABLE, 6).join(' ').replace(/^[^:]*:/gm, ''));
  if (grounded.text === NO_ANSWER_TEXT || grounded.attributions.length === 0) return { text: `${text}- No company document speaks to what was said.`, attributions: [] };
  const shift = text.length;
  text += grounded.text;
  const attributions: Attribution[] = grounded.attributions.map((attribution) => ({
    ...attribution,
    segments: attribution.segments.map((segment) => ({ ...segment, ...(segment.beginOffset !== undefined ? { beginOffset: segment.beginOffset + shift } : {}), ...(segment.endOffset !== undefined ? { endOffset: segment.endOffset + shift } : {}) })),
  }));
  return { text, attributions };
}
