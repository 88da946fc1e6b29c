/**
 * The message extension's ports filled with the bot's own parts: Q asked as the person (a new Q
 * conversation per question: an inserted answer stands alone), the answer stored so votes on the
 * inserted card reach PutFeedback for the right message, the card fitted to the result card
 * budget with the asker-only rating view; sign-in through the same sessions and token checks as
 * the bot's SSO.
 */
import type { AdaptiveCardJson } from '../../cards/types';
import { placeCitations } from '../../cards/citations';
import { failureCard, noAnswerCard } from '../../cards/messageCards';
import { identityFailureCard } from '../../cards/signInCards';
import { cardBudget, fitAnswerToTeams } from '../../cards/teamsLimits';
import { VERBS } from '../../cards/verbs';
import { IdentityFailure } from '../../identity/identityFailure';
import type { EntraTokenValidator, ValidatedToken } from '../../identity/entraToken';
import type { LocalDevTokens } from '../../identity/localDevTokens';
import type { UserSessions } from '../../identity/userSessions';
import { QFailure } from '../../domain/failure';
import { isNoAnswer } from '../../domain/noAnswer';
import type { QBusinessService } from '../../qbusiness/qbusinessService';
import type { AnswerStore } from '../feedback/answerStore';
import type { OnceClaims } from '../signIn/onceClaims';
import type { AskedAnswer, ExtensionIdentity, ExtensionUser, MessageExtensionPorts, SessionState } from './messageExtension';
import { markdownPreview, noticeItem, problemItem } from './responses';

export interface AnsweringDependencies {
  q: QBusinessService;
  answers: AnswerStore;
  log(event: Record<string, unknown>): void;
  identity?: {
    sessions: UserSessions;
    validator: EntraTokenValidator;
    /** Identity Center refuses an assertion it has seen: each token is exchanged once. */
    claims: OnceClaims;
    signInUrl?: string;
    /** Development only (playground): sign the person in through the local issuer. */
    devTokens?: LocalDevTokens;
    devLocalSignInUser?: string;
  };
}

export function answeringPorts(deps: AnsweringDependencies): MessageExtensionPorts {
  return {
    ask: (user, question) => askAsPerson(deps, user, question),
    ...(deps.identity ? { identity: identityPort(deps.identity, deps.log) } : {}),
    log: deps.log,
  };
}

async function askAsPerson(deps: AnsweringDependencies, user: ExtensionUser, question: string): Promise<AskedAnswer> {
  const asking = { key: user.key, ...(user.name ? { name: user.name } : {}) };
  let outcome;
  try {
    outcome = await deps.q.ask({ user: asking, question });
  } catch (error) {
    if (error instanceof IdentityFailure) {
      if (error.kind === 'signInRequired') return { kind: 'signInRequired' };
      deps.log({ event: 'answer', outcome: error.kind, awsRequestId: error.requestId });
      return { kind: 'problem', item: problemItem(identityFailureCard(error.kind, error.requestId)) };
    }
    if (error instanceof QFailure) {
      deps.log({ event: 'answer', outcome: error.kind, error: error.errorName, awsRequestId: error.requestId });
      return { kind: 'problem', item: problemItem(failureCard(error)) };
    }
    throw error;
  }
  deps.log({ event: 'answer', outcome: outcome.kind, awsRequestId: outcome.requestId, qConversationId: outcome.conversationId });
  if (outcome.kind !== 'answer') {
    return { kind: 'problem', item: noticeItem('This question needs the chat with the bot', 'Amazon Q Business wants to run a plugin action or a plugin sign-in. Ask this question in the chat with the Amazon Q Business app.') };
  }
  if (!outcome.text.trim() || isNoAnswer(outcome.text, outcome.sources)) return { kind: 'problem', item: problemItem(noAnswerCard()) };

  const cited = placeCitations(outcome.text, outcome.sources);
  const answerKey = deps.answers.newKey();
  const { model, card } = fitAnswerToTeams(
    {
      answerKey,
      markdown: cited.markdown,
      sources: cited.sources,
      feedback: { vote: 'none' },
      view: 'vote',
      // Everyone who sees the inserted card gets it without rating controls; Teams fetches the
      // asker's own view (votes) through the card's refresh action.
      askedBy: user.name ?? 'the person who asked',
      askerTeamsId: user.teamsId,
      viewer: 'others',
      inserted: true,
    },
    // Teams' 28 KB for a result card, less the rate button added below.
    cardBudget('messageExtensionResult') - RATE_BUTTON_RESERVE_UTF16_BYTES,
  );
  await deps.answers.saveShown(answerKey, model, {
    askerKey: user.key,
    ...(user.name ? { askerName: user.name } : {}),
    qConversationId: outcome.conversationId,
    systemMessageId: outcome.systemMessageId,
  });
  return { kind: 'answer', item: { card: withRateButton(card, answerKey), preview: { title: question, text: markdownPreview(cited.markdown, 200) } } };
}

const RATE_BUTTON_RESERVE_UTF16_BYTES = 1024;

/**
 * Teams shows the asker their rating view by itself (the card's `refresh`); clients that don't
 * refresh cards (the Agents Playground, older clients) get it from this button instead. For anyone
 * else the same action returns the card unchanged.
 */
function withRateButton(card: AdaptiveCardJson, answerKey: string): AdaptiveCardJson {
  return { ...card, actions: [...(card.actions ?? []), { type: 'Action.Execute', title: 'Rate this answer', verb: VERBS.refreshAnswer, data: { answerKey } }] };
}

function identityPort(identity: NonNullable<AnsweringDependencies['identity']>, log: (event: Record<string, unknown>) => void): ExtensionIdentity {
  const holder = (user: ExtensionUser) => ({ ...(user.tenantId ? { tenantId: user.tenantId } : {}), ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}) });

  const startSession = async (user: ExtensionUser, validated: ValidatedToken): Promise<SessionState> => {
    try {
      await identity.sessions.signIn(user.key, validated);
      return { kind: 'ready' };
    } catch (error) {
      if (!(error instanceof IdentityFailure)) throw error;
      log({ event: 'signIn', outcome: error.kind, reason: error.adminDetail, awsRequestId: error.requestId });
      return { kind: 'problem', card: identityFailureCard(error.kind, error.requestId) };
    }
  };

  const port: ExtensionIdentity = {
    ...(identity.signInUrl ? { signInUrl: identity.signInUrl } : {}),
    async session(user) {
      try {
        await identity.sessions.credentialsFor(user.key);
        return { kind: 'ready' };
      } catch (error) {
        if (!(error instanceof IdentityFailure)) throw error;
        if (error.kind !== 'signInRequired') return { kind: 'problem', card: identityFailureCard(error.kind, error.requestId) };
      }
      if (!identity.devTokens) return { kind: 'signInRequired' };
      // Development only: the playground has no SSO; its user signs in through the local issuer.
      const signInAs = identity.devLocalSignInUser ?? user.aadObjectId ?? '';
      const token = await identity.devTokens.tokenFor(signInAs);
      const validated = await identity.validator.validate(token, identity.devLocalSignInUser ? { aadObjectId: signInAs } : holder(user));
      return startSession(user, validated);
    },
    async signInWith(user, token) {
      let validated: ValidatedToken;
      try {
        validated = await identity.validator.validate(token, holder(user));
      } catch (error) {
        if (!(error instanceof IdentityFailure)) throw error;
        log({ event: 'signIn', outcome: 'tokenRejected', reason: error.adminDetail });
        return { kind: 'refused' };
      }
      // Teams resends cached tokens, and Identity Center refuses one it has seen. Another query
      // may have just exchanged it; otherwise a fresh token has to come from the sign-in pages.
      if (!(await identity.claims.claim('assertion', token))) {
        const now = await port.session(user);
        return now.kind === 'signInRequired' ? { kind: 'tokenUsed' } : now;
      }
      return startSession(user, validated);
    },
  };
  return port;
}
