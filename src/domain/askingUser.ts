/** The person a question (and every Q call for it) is made for. */

export interface AskingUser {
  /** Stable across chats: the Entra object id when Teams provides it, else the channel user id. */
  key: string;
  name?: string;
}
