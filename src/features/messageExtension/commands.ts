/**
 * The message extension's commands as the app manifest declares them (appPackage/manifest.json
 * composeExtensions), and the limits Teams and Q set on what they carry. The manifest test checks
 * the manifest against these ids, so the two cannot drift apart.
 */

export const MESSAGE_EXTENSION_COMMANDS = {
  /** Search command in the compose box and command box: `composeExtension/query`. */
  search: 'askQ',
  /** Its one parameter: the question as typed. */
  searchParameter: 'question',
  /** Action command on a message's … menu: `composeExtension/fetchTask` then `submitAction`. */
  aboutMessage: 'askQAboutMessage',
} as const;

/** Q refuses a user message above 7,000 characters (ValidationException). */
export const MAX_QUESTION_CHARACTERS = 7000;

/** Teams waits about 5 s for a query's reply; leave room for the network and the response. */
export const DEFAULT_QUERY_BUDGET_MS = 4000;

/** A person typing sends a query per keystroke; a pause this long means they have stopped. */
export const DEFAULT_TYPING_PAUSE_MS = 1000;

/** How long an answer stays ready for the same person asking the same question again. */
export const DEFAULT_ANSWER_CACHE_MS = 5 * 60 * 1000;
