/**
 * The message extension's three invokes, from Teams' value to the reply Teams expects:
 *  - `composeExtension/query` (search command "Ask Q"): checks the question, makes sure Q can
 *    answer as this person (stored session → SSO token from a `silentAuth` round → sign-in link),
 *    then lets the query policy decide whether and when Q is asked; the answer comes back as a
 *    result item whose card is inserted into the message being written;
 *  - `composeExtension/fetchTask` (action "Ask Q about this message"): a dialog with the message's
 *    text as the question; without a session, Teams' sign-in pop-up with the bot's own pages;
 *  - `composeExtension/submitAction`: the dialog's question answered, the card to insert.
 * Asking Q, signing in and building the answer card are ports the Teams layer fills in; this file
 * knows only Teams' message extension protocol.
 */
import type { AdaptiveCardJson } from '../../cards/types';
import { MAX_QUESTION_CHARACTERS, MESSAGE_EXTENSION_COMMANDS } from './commands';
import { checkQuestion, textOfMessage, type MessagePayloadLike } from './questionText';
import { QueryPolicy, type QueryOutcome, type QueryPolicyOptions } from './queryPolicy';
import {
  dialogMessage,
  DIALOG_FIELDS,
  emptyQuestionItem,
  keepTypingItem,
  noticeItem,
  problemItem,
  questionDialog,
  questionTooLongItem,
  resultList,
  signInResponse,
  silentAuthResponse,
  unknownCommandItem,
  workingItem,
  type ResultItem,
} from './responses';

/** Who is using the extension, as Teams says in the invoke. */
export interface ExtensionUser {
  /** Stable key: the Entra object id when Teams gives it, else the Teams user id. */
  key: string;
  name?: string;
  /** The Teams user id: the card's asker-only view is keyed on it. */
  teamsId: string;
  aadObjectId?: string;
  tenantId?: string;
}

/** What Q made of a question, ready to insert. */
export type AskedAnswer =
  | { kind: 'answer'; item: ResultItem }
  /** A failure or a no-answer, with its card: shown, never cached. */
  | { kind: 'problem'; item: ResultItem }
  /** The session ended between the check and the call. */
  | { kind: 'signInRequired' };

export type SessionState = { kind: 'ready' } | { kind: 'signInRequired' } | { kind: 'problem'; card: AdaptiveCardJson };

/** Per-user sign-in; absent when the bot calls Q with its own identity (anonymous mode). */
export interface ExtensionIdentity {
  /** The person's stored session (or the playground's development sign-in). */
  session(user: ExtensionUser): Promise<SessionState>;
  /**
   * A token Teams handed over (silentAuth round, or the sign-in pages' result in `state`), checked
   * as the bot's SSO token is. `refused`: not a token for this app and this person; `tokenUsed`:
   * exchanged before (Teams resends cached tokens), so only the sign-in pages can get a new one.
   */
  signInWith(user: ExtensionUser, token: string): Promise<SessionState | { kind: 'refused' } | { kind: 'tokenUsed' }>;
  /** The bot's sign-in page; absent when the bot has no public endpoint configured. */
  signInUrl?: string;
}

export interface MessageExtensionPorts {
  ask(user: ExtensionUser, question: string): Promise<AskedAnswer>;
  identity?: ExtensionIdentity;
  /** Structured, content-free events (no question, answer or token text). */
  log(event: Record<string, unknown>): void;
}

export interface InvokeReply {
  status: number;
  body?: unknown;
}

const ok = (body: unknown): InvokeReply => ({ status: 200, body });

export class MessageExtension {
  private readonly policy: QueryPolicy<AskedAnswer>;

  constructor(
    private readonly ports: MessageExtensionPorts,
    policyOptions: QueryPolicyOptions<AskedAnswer> = {},
  ) {
    this.policy = new QueryPolicy<AskedAnswer>({ ...policyOptions, isCacheable: (answer) => answer.kind === 'answer' });
  }

  /** `composeExtension/query`. */
  async onQuery(value: unknown, user: ExtensionUser): Promise<InvokeReply> {
    const query = asRecord(value);
    const commandId = stringOr(query.commandId);
    // The playground lets its user leave the command id blank; the search command is the only one.
    if (commandId !== undefined && commandId !== MESSAGE_EXTENSION_COMMANDS.search) {
      this.ports.log({ invoke: 'query', outcome: 'unknownCommand' });
      return ok(resultList([unknownCommandItem()]));
    }
    const checked = checkQuestion(searchText(query.parameters));
    if (checked.kind === 'emptyQuestion') return ok(resultList([emptyQuestionItem()]));
    if (checked.kind === 'questionTooLong') return ok(resultList([questionTooLongItem(checked.characters)]));

    const signIn = await this.ensureSession(user, tokenOf(query), 'query');
    if (signIn) return signIn;
    const outcome = await this.policy.handle(user.key, checked.text, () => this.ask(user, checked.text));
    this.ports.log({ invoke: 'query', outcome: outcomeName(outcome) });
    return this.render(outcome, checked.text, 'query');
  }

  /** `composeExtension/fetchTask`: the dialog for "Ask Q about this message". */
  async onFetchTask(value: unknown, user: ExtensionUser): Promise<InvokeReply> {
    const action = asRecord(value);
    if (!this.isAboutMessage(action)) return ok(dialogMessage('This version of the app doesn’t know that command. Update the app in Teams.'));
    const signIn = await this.ensureSession(user, tokenOf(action), 'action');
    if (signIn) return signIn;
    const message = textOfMessage(asRecord(action.messagePayload) as MessagePayloadLike);
    this.ports.log({ invoke: 'fetchTask', outcome: message.text ? 'dialog' : 'dialogNoText', notIncluded: message.notIncluded.length });
    return ok(
      questionDialog({
        question: message.text,
        notIncluded: message.notIncluded,
        ...(message.text ? {} : { problem: 'This message has no text to ask about. Type your question instead.' }),
      }),
    );
  }

  /** `composeExtension/submitAction`: the dialog's question, answered as a card to insert. */
  async onSubmitAction(value: unknown, user: ExtensionUser): Promise<InvokeReply> {
    const action = asRecord(value);
    if (!this.isAboutMessage(action)) return ok(dialogMessage('This version of the app doesn’t know that command. Update the app in Teams.'));
    const data = asRecord(action.data);
    const raw = stringOr(data[DIALOG_FIELDS.question]);
    const notIncluded = textOfMessage(asRecord(action.messagePayload) as MessagePayloadLike).notIncluded;
    const again = (problem: string): InvokeReply => ok(questionDialog({ question: raw ?? '', notIncluded, problem }));
    const checked = checkQuestion(raw);
    if (checked.kind === 'emptyQuestion') return again('Type a question to ask.');
    if (checked.kind === 'questionTooLong') return again(`Questions can be up to ${MAX_QUESTION_CHARACTERS.toLocaleString('en-US')} characters; this one has ${checked.characters.toLocaleString('en-US')}. Shorten it.`);

    const signIn = await this.ensureSession(user, tokenOf(action), 'action');
    if (signIn) return signIn;
    // Submitted from a dialog: the question is complete as it stands, whatever its last character.
    const outcome = await this.policy.handle(user.key, `${checked.text.replace(/[?？]\s*$/u, '')}?`, () => this.ask(user, checked.text));
    this.ports.log({ invoke: 'submitAction', outcome: outcomeName(outcome) });
    if (outcome.kind !== 'answered') {
      return again('Amazon Q Business is still working on this. Select Ask Q again in a moment to insert the answer.');
    }
    return this.render(outcome, checked.text, 'action');
  }

  /** Q asked through the port; the event marks when a late answer is ready for the next query. */
  private async ask(user: ExtensionUser, question: string): Promise<AskedAnswer> {
    const answer = await this.ports.ask(user, question);
    this.ports.log({ event: 'qAnswered', kind: answer.kind });
    return answer;
  }

  private isAboutMessage(action: Record<string, unknown>): boolean {
    const commandId = stringOr(action.commandId);
    if (commandId !== undefined) return commandId === MESSAGE_EXTENSION_COMMANDS.aboutMessage;
    // Blank in the playground; Teams always sends it. Started from a message: ours.
    return action.commandContext === 'message' || action.messagePayload !== undefined;
  }

  /**
   * Undefined when Q can answer as this person now; otherwise the reply that gets them signed in.
   * Order matters: Identity Center refuses a token it has seen, and Teams resends cached tokens,
   * so a stored session wins over a token in the invoke.
   */
  private async ensureSession(user: ExtensionUser, token: string | undefined, surface: 'query' | 'action'): Promise<InvokeReply | undefined> {
    const identity = this.ports.identity;
    if (!identity) return undefined;
    let state: SessionState | { kind: 'refused' } | { kind: 'tokenUsed' } = await identity.session(user);
    if (state.kind === 'signInRequired' && token) {
      state = await identity.signInWith(user, token);
      this.ports.log({ invoke: surface, event: 'signIn', outcome: state.kind });
    }
    switch (state.kind) {
      case 'ready':
        return undefined;
      case 'refused':
        // As Teams' own SSO flow expects: 412 makes Teams fall back to the sign-in link.
        return { status: 412, body: { failureDetail: 'The token could not be accepted.' } };
      case 'problem':
      {
        const item = problemItem(state.card);
        return ok(surface === 'query' ? resultList([item]) : dialogMessage(`${item.preview.title}. ${item.preview.text}`));
      }
      case 'signInRequired':
        return this.signInReply(surface);
      case 'tokenUsed':
        return this.signInReply(surface, true);
    }
  }

  /** Search commands try SSO first (`silentAuth`); actions, and a used token, get the sign-in pop-up (`auth`). */
  private signInReply(surface: 'query' | 'action', popUp = surface === 'action'): InvokeReply {
    const url = this.ports.identity?.signInUrl;
    if (!url) {
      const text = 'Sign-in needs the bot’s public address (BOT_ENDPOINT), which is not configured. Tell your Teams administrator.';
      return ok(surface === 'query' ? resultList([noticeItem('Sign-in is not set up', text)]) : dialogMessage(text));
    }
    return ok(popUp ? signInResponse(url) : silentAuthResponse(url));
  }

  private render(outcome: QueryOutcome<AskedAnswer>, question: string, surface: 'query' | 'action'): InvokeReply {
    switch (outcome.kind) {
      case 'superseded':
        return ok(resultList([keepTypingItem()]));
      case 'working':
        return ok(resultList([workingItem(question)]));
      case 'answered': {
        const asked = outcome.answer;
        if (asked.kind === 'signInRequired') return this.signInReply(surface);
        return ok(resultList([asked.item]));
      }
    }
  }
}

function outcomeName(outcome: QueryOutcome<AskedAnswer>): string {
  if (outcome.kind !== 'answered') return outcome.kind;
  return outcome.fromCache ? `${outcome.answer.kind}FromCache` : outcome.answer.kind;
}

/** The search text: the `question` parameter, or the only parameter (the playground may leave its name blank). */
function searchText(parameters: unknown): string | undefined {
  if (!Array.isArray(parameters)) return undefined;
  const all = parameters.map(asRecord);
  const named = all.find((parameter) => parameter.name === MESSAGE_EXTENSION_COMMANDS.searchParameter) ?? (all.length === 1 ? all[0] : undefined);
  return stringOr(named?.value);
}

/** The SSO token of a silentAuth round, or what the sign-in pages returned (`state`). */
function tokenOf(value: Record<string, unknown>): string | undefined {
  const token = stringOr(asRecord(value.authentication).token) ?? stringOr(value.state);
  return token && token.length < 16_384 ? token : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
