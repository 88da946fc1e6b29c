/**
 * The local Entra token endpoint over HTTPS: MSAL (under @azure/identity's
 * ClientAssertionCredential) refuses plain-HTTP authorities, so the bot's Graph credential reaches
 * the local issuer here — OpenID discovery for the tenant and `/oauth2/v2.0/token`, answered by
 * LocalGraphMeetings. A throwaway CA per start (the bot trusts it through NODE_EXTRA_CA_CERTS).
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCertificates } from '../botframework/testCertificates';
import { json, type Exchange } from '../http';

export interface HttpsAuthority {
  url: string;
  caFile: string;
  close(): Promise<void>;
}

export async function startHttpsAuthority(handleToken: (exchange: Exchange) => Promise<boolean>): Promise<HttpsAuthority> {
  const certificates = createTestCertificates();
  let url = '';
  const server = https.createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const exchange: Exchange = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'https://localhost'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        respond: (status, headers, body) => {
          res.writeHead(status, headers);
          res.end(body);
        },
      };
      const discovery = /^\/([0-9a-f-]{36})\/v2\.0\/\.well-known\/openid-configuration$/.exec(exchange.url.pathname);
      if (discovery && exchange.method === 'GET') {
        const tenant = discovery[1] as string;
        json(exchange, 200, {
          issuer: `${url}/${tenant}/v2.0`,
          token_endpoint: `${url}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/authorize`,
          jwks_uri: `${url}/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'token'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
        return;
      }
      handleToken(exchange)
        .then((handled) => {
          if (!handled) json(exchange, 404, { error: 'not_found', error_description: `Nothing at ${exchange.method} ${exchange.url.pathname}` });
        })
        .catch((error: Error) => json(exchange, 500, { error: 'server_error', error_description: error.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    caFile: certificates.caFile,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certificates.remove();
    },
  };
}
