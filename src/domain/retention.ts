/** How long each kind of state record stays usable; older ones read as absent and are removed. */
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export const RETENTION_MS = {
  conversation: 30 * DAY,
  answer: 30 * DAY,
  /** An expert request: open until answered, then kept for the asker's rating. */
  expertRequest: 30 * DAY,
  retry: DAY,
  waiting: HOUR,
  pluginAction: DAY,
  /** Teams redelivers a token exchange from each of a person's endpoints within moments. */
  exchangeClaim: 10 * 60 * 1000,
  voteOutbox: 2 * DAY,
} as const;
