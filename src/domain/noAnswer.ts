/**
 * Q Business in retrieval mode answers a question its index does not cover with a no-answer
 * message and no sources ("Sorry, I couldn't find enough information to answer." by default).
 * Recognised here so the bot can say plainly that the documents don't cover it.
 */
import type { SourceAttribution } from './answer';

const NO_ANSWER_MESSAGE = /^\s*(sorry|unfortunately)?[,.!\s]*i\s+(couldn['’]t|could not|can['’]t|cannot|was unable to|am unable to)\s+find\s+(enough|any|relevant|sufficient)\b/i;

export function isNoAnswer(text: string, sources: SourceAttribution[]): boolean {
  return sources.length === 0 && NO_ANSWER_MESSAGE.test(text);
}
