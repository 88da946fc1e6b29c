/** The bot's own calls to Identity Center and STS: signed with one of the known local bot keys. */
import { LOCAL_BOT_CREDENTIALS } from '../directory';
import type { Exchange } from '../http';
import { signatureMatches, signatureScope } from '../sigv4';
import type { IdentityState } from './state';

/**
 * The calling access key when the request is validly signed for `service`; otherwise undefined.
 * Besides the long-term keys, a session of the bot role assumed with a web identity (the bot on
 * Azure) signs too, with its session token, until it expires.
 */
export async function verifiedBotKey(exchange: Exchange, service: string, sessions?: IdentityState): Promise<string | undefined> {
  const scope = signatureScope(exchange);
  if (!scope || scope.service !== service) return undefined;
  const longTerm = LOCAL_BOT_CREDENTIALS[scope.accessKeyId];
  if (longTerm) return (await signatureMatches(exchange, { accessKeyId: scope.accessKeyId, secretAccessKey: longTerm })) ? scope.accessKeyId : undefined;
  const session = sessions?.credentials.get(scope.accessKeyId);
  if (!session?.webIdentityRoleArn || exchange.headers['x-amz-security-token'] !== session.sessionToken || session.expiration.getTime() <= Date.now()) return undefined;
  return (await signatureMatches(exchange, session)) ? session.webIdentityRoleArn : undefined;
}
