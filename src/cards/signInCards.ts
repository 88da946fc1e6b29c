/**
 * Cards of the sign-in flow: Teams' OAuthCard (SSO in 1:1 chats), the Universal Actions card that
 * signs in in place (channels and group chats), and what each identity failure tells the person.
 */
import { plainLine, TEXT_LIMITS } from '../content/plainText';
import { plainTextBlock } from './richText';
import type { IdentityFailureKind } from '../identity/identityFailure';
import { VERBS } from './verbs';
import { adaptiveCard, textBlock, type AdaptiveCardJson } from './types';

/** Echoed back by Teams in signin/tokenExchange; this bot checks tokens itself, not via a token service. */
export const SSO_CONNECTION_NAME = 'AmazonQBusinessTeamsSso';

export interface TokenExchangeResource {
  id: string;
  uri: string;
}

/** Teams answers this card silently with a signin/tokenExchange invoke; the button is the fallback. */
export function oauthCard(resource: TokenExchangeResource, signInUrl: string | undefined): { contentType: string; content: Record<string, unknown> } {
  // The Bot Framework OAuthCard schema, as botbuilder's CardFactory.oauthCard writes it.
  return {
    contentType: 'application/vnd.microsoft.card.oauth',
    content: {
      buttons: [{ type: 'signin', title: 'Sign in', value: signInUrl }],
      connectionName: SSO_CONNECTION_NAME,
      tokenExchangeResource: resource,
      text: 'Sign in to Amazon Q Business to get answers from the documents you can access.',
    },
  };
}

/** The body of an `application/vnd.microsoft.activity.loginRequest` invoke response. */
export function loginRequest(resource: TokenExchangeResource, signInUrl: string | undefined): Record<string, unknown> {
  return {
    text: 'Sign in to Amazon Q Business',
    connectionName: SSO_CONNECTION_NAME,
    tokenExchangeResource: resource,
    buttons: signInUrl ? [{ type: 'signin', title: 'Sign in', value: signInUrl }] : [],
  };
}

export function inPlaceSignInCard(pendingKey: string, askerName: string | undefined): AdaptiveCardJson {
  return adaptiveCard(
    [
      textBlock('**Sign in to get your answer**'),
      // A display name is whatever the person typed: a run, never markdown.
      plainTextBlock(`Amazon Q Business answers on behalf of the person who asks, from the documents they can see. ${askerName ? plainLine(askerName, TEXT_LIMITS.fieldLabel) : 'You'}, sign in once and your answer appears in this thread.`),
      textBlock('If signing in here does not work, I send you a sign-in message in our 1:1 chat instead.', { isSubtle: true, size: 'Small' }),
    ],
    [
      {
        type: 'Action.Execute',
        title: 'Sign in and answer',
        verb: VERBS.signInInPlace,
        data: { pendingKey },
        fallback: { type: 'Action.Submit', title: 'Sign in and answer', data: { pendingKey, verb: VERBS.signInDirect } },
      },
    ],
  );
}

export function signedInCard(answerFollows: boolean): AdaptiveCardJson {
  return adaptiveCard([textBlock(answerFollows ? '✅ Signed in. Your answer follows.' : '✅ Signed in. Ask me anything.')]);
}

export function signedOutCard(): AdaptiveCardJson {
  return adaptiveCard([
    textBlock('**You are signed out**'),
    textBlock('I forgot your Amazon Q Business session on this bot. Your next message signs you in again, silently, through Teams.'),
  ]);
}

export function signInNotUsedCard(): AdaptiveCardJson {
  return adaptiveCard([textBlock('This deployment does not use personal sign-in: answers come from the bot’s own Amazon Q Business access.')]);
}

const FAILURES: Record<IdentityFailureKind, [string, string]> = {
  signInRequired: ['Please sign in', 'Send me a message in a 1:1 chat to sign in.'],
  tokenRejected: [
    'Sign-in didn’t work',
    'Teams gave me a sign-in I can’t accept. Try again; if it keeps failing, ask your admin to check the app’s Microsoft Entra registration (the bot’s logs say what was wrong).',
  ],
  notInIdentityCenter: [
    'Your account isn’t set up for Amazon Q Business',
    'Amazon Q Business doesn’t know your Microsoft 365 account yet. Ask your admin to add you to IAM Identity Center (synchronised from Microsoft Entra ID, with exactly the same e-mail address).',
  ],
  identityCenterMisconfigured: [
    'Amazon Q Business sign-in is not set up correctly',
    'Ask your admin to check the IAM Identity Center application of this bot (IDC_APPLICATION_ARN): its trusted token issuer, audience and grants.',
  ],
  identityCenterRegion: ['Amazon Q Business sign-in is not set up correctly', 'Ask your admin to check the IAM Identity Center Region this bot uses (AWS_IDC_REGION).'],
  roleTrust: [
    'Amazon Q Business sign-in is not set up correctly',
    'The bot could not act as you in AWS. Ask your admin to check that the Q user role (Q_USER_ROLE_ARN) trusts the bot for sts:AssumeRole and sts:SetContext.',
  ],
  unavailable: ['Sign-in is unavailable right now', 'Microsoft or AWS sign-in services did not answer. Try again in a moment.'],
};

export function identityFailureCard(kind: IdentityFailureKind, requestId?: string): AdaptiveCardJson {
  const [title, message] = FAILURES[kind];
  const body = [textBlock(`**${title}**`, { color: 'Attention' }), textBlock(message)];
  if (requestId) body.push(plainTextBlock(`Request ID for your admin: ${plainLine(requestId, TEXT_LIMITS.fieldLabel)}`, { isSubtle: true, size: 'Small' }));
  return adaptiveCard(body);
}

export function signInSentPrivatelyCard(askerName: string | undefined): AdaptiveCardJson {
  return adaptiveCard([plainTextBlock(`${askerName ? plainLine(askerName, TEXT_LIMITS.fieldLabel) : 'You'}: I sent you a sign-in message in our 1:1 chat. Your answer appears here once you are signed in.`, { isSubtle: true })]);
}

export function cannotMessagePrivatelyCard(): AdaptiveCardJson {
  return adaptiveCard([
    textBlock('I could not message you in a 1:1 chat: add the Amazon Q Business app for yourself (Apps → Amazon Q Business → Add), send me any message there to sign in, then ask here again.'),
  ]);
}
