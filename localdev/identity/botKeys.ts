/** The bot's own calls to Identity Center and STS: signed with one of the known local bot keys. */
import { LOCAL_BOT_CREDENTIALS } from '../directory';
import type { Exchange } from '../http';
import { signatureMatches, signatureScope } from '../sigv4';

/** The calling access key when the request is validly signed for `service`; otherwise undefined. */
export async function verifiedBotKey(exchange: Exchange, service: string): Promise<string | undefined> {
  const scope = signatureScope(exchange);
  const secretAccessKey = scope ? LOCAL_BOT_CREDENTIALS[scope.accessKeyId] : undefined;
  if (!scope || scope.service !== service || !secretAccessKey) return undefined;
  return (await signatureMatches(exchange, { accessKeyId: scope.accessKeyId, secretAccessKey })) ? scope.accessKeyId : undefined;
}
