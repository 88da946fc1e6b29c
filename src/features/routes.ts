/**
 * How each feature registers its routes, in the bot's own terms: src/teams/ implements this on the
 * Teams AI library's Application. Routes are tried in registration order; the first match runs.
 */
import type { AdaptiveCardJson } from '../cards/types';
import type { TeamsTurn } from '../domain/turn';

export type Handler = (turn: TeamsTurn) => Promise<void>;
/** An Action.Execute answer: the card that replaces the clicked one, or a short message. */
export type ExecuteHandler<T> = (turn: TeamsTurn, data: T) => Promise<AdaptiveCardJson | string>;

export interface FeatureRoutes {
  /** Runs before routing; false ends the turn (the activity is only recorded, not answered). */
  beforeTurn(handler: (turn: TeamsTurn) => Promise<boolean>): void;
  /** Message activities whose trimmed, lower-cased text is one of `commands`. */
  command(commands: string[], handler: Handler): void;
  /** Every message activity no earlier route took. */
  message(handler: Handler): void;
  membersAdded(handler: Handler): void;
  membersRemoved(handler: Handler): void;
  messageEdited(handler: Handler): void;
  messageDeleted(handler: Handler): void;
  /** An invoke activity by name (the handler sends the invoke response). */
  invoke(name: string, handler: Handler): void;
  /** Action.Execute (Universal Actions) with one of `verbs`. */
  cardExecute<T>(verbs: string | string[], handler: ExecuteHandler<T>): void;
  /** Action.Submit with one of `verbs` (arrives as a message carrying `value.verb`). */
  cardSubmit<T>(verbs: string | string[], handler: (turn: TeamsTurn, data: T) => Promise<void>): void;
}
