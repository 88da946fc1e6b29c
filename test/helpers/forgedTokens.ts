/**
 * Channel tokens an attacker could send, built against the local Bot Framework token service:
 * each must be refused with 401 and nothing processed.
 */
import { Buffer } from 'node:buffer';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { LocalBotFrameworkService } from '../../localdev/botframework/tokenService';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Authorization header values by case name; `undefined` sends no header. */
export async function forgedAuthorizations(service: LocalBotFrameworkService, serviceUrl: string, botPassword: string): Promise<Array<[string, string | undefined]>> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: service.channelIssuer, aud: service.options.botAppId, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 };
  const own = await generateKeyPair('RS256', { extractable: true });
  const ownJwk = await exportJWK(own.publicKey);
  const selfSigned = (header: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(own.privateKey);
  const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'local-botframework-channel-1' }).sign(new TextEncoder().encode(botPassword));
  return [
    ['missing token', undefined],
    ['garbage', 'Bearer not-a-token'],
    ['another scheme', `Basic ${Buffer.from('bot:secret').toString('base64')}`],
    ['alg none', `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`],
    ['alg none with a kid', `Bearer ${encode({ alg: 'none', kid: 'local-botframework-channel-1' })}.${encode(claims)}.`],
    ['HS256 with the bot password', `Bearer ${hs256}`],
    ['self-signed with the published kid', `Bearer ${await selfSigned({ kid: 'local-botframework-channel-1' })}`],
    ['signed with a key the service never published', `Bearer ${await service.mintChannelToken({ serviceUrl, key: 'unpublished' })}`],
    ['embedded jwk', `Bearer ${await selfSigned({ kid: 'attacker', jwk: ownJwk })}`],
    ['jku to loopback', `Bearer ${await selfSigned({ kid: 'attacker', jku: 'http://127.0.0.1:9/keys' })}`],
    ['x5u to loopback', `Bearer ${await selfSigned({ kid: 'attacker', x5u: 'http://127.0.0.1:9/cert' })}`],
    ['expired', `Bearer ${await service.mintChannelToken({ serviceUrl, expiresInSeconds: -3600 })}`],
    ['not yet valid', `Bearer ${await service.mintChannelToken({ serviceUrl, notBeforeInSeconds: 3600 })}`],
    ['for another bot id', `Bearer ${await service.mintChannelToken({ serviceUrl, audience: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f' })}`],
    ['from another issuer', `Bearer ${await service.mintChannelToken({ serviceUrl, issuer: 'https://api.botframework.com' })}`],
    ['for another serviceUrl', `Bearer ${await service.mintChannelToken({ serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`],
    ['key not endorsed for the channel', `Bearer ${await service.mintChannelToken({ serviceUrl, key: 'otherChannel' })}`],
    ['skill-shaped token', `Bearer ${await service.mintChannelToken({ serviceUrl, extraClaims: { ver: '1.0', appid: '0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f' } })}`],
    ['a fresh tenant (tid) per token', `Bearer ${await service.mintChannelToken({ serviceUrl, extraClaims: { tid: crypto.randomUUID() } })}`],
    ['tampered payload', `Bearer ${tamper(await service.mintChannelToken({ serviceUrl }))}`],
  ];
}

/** A valid token whose payload was changed after signing (another serviceurl). */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return [header, encode({ ...claims, serviceurl: 'https://attacker.example/' }), signature].join('.');
}
