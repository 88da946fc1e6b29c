/**
 * The Microsoft reads the doctor makes, served from the admin data: Microsoft Graph (the SSO app
 * registration by appId, users by mail or user principal name) and Azure Resource Manager (the
 * Azure Bot resource), each asking for a bearer token for its own resource as the Azure CLI
 * stand-in (bin/az) issues them. Also a stand-in for the deployed bot's /readyz self-test report.
 */
import { randomUUID } from 'node:crypto';
import { json, type Exchange } from '../http';
import type { AdminData } from './data';

export const GRAPH_PREFIX = '/graph';
export const ARM_PREFIX = '/arm';
export const BOT_PREFIX = '/_local/bot';

/** What bin/az prints as the access token for a resource: no secret, just the audience it stands for. */
export const localAzToken = (resource: string): string => `local-az-token:${resource}`;

export function handleMicrosoft(exchange: Exchange, data: AdminData): boolean {
  const path = exchange.url.pathname;
  if (path === `${BOT_PREFIX}/readyz` && exchange.method === 'GET') {
    const ok = data.botSelfTest === 'ok';
    json(exchange, ok ? 200 : 503, { ready: ok, checks: { config: 'ok', awsWebIdentity: data.botSelfTest } });
    return true;
  }
  const graph = path.startsWith(`${GRAPH_PREFIX}/`);
  const arm = path.startsWith(`${ARM_PREFIX}/`);
  if (!graph && !arm) return false;
  const error = (status: number, code: string, message: string): void => json(exchange, status, { error: { code, message } });
  const expected = `Bearer ${localAzToken(graph ? 'https://graph.microsoft.com' : 'https://management.azure.com')}`;
  if (exchange.headers.authorization !== expected) {
    error(401, 'InvalidAuthenticationToken', 'Access token is empty or not valid for this resource.');
    return true;
  }
  // The one write served: provisioning adds the bot's federated credential to the SSO app.
  const credentialsPath = /^\/graph\/v1\.0\/applications\(appId='([^']+)'\)\/federatedIdentityCredentials$/.exec(decodeURIComponent(path));
  if (graph && credentialsPath && exchange.method === 'POST') {
    data.served.push(`graph POST ${decodeURIComponent(path).slice(GRAPH_PREFIX.length)}`);
    const app = data.entraApps.find((candidate) => candidate.appId === credentialsPath[1]);
    if (!app) {
      error(404, 'Request_ResourceNotFound', `Resource '${credentialsPath[1]}' does not exist.`);
      return true;
    }
    const body = JSON.parse(exchange.body || '{}') as Record<string, unknown>;
    const list = (app.federatedIdentityCredentials ?? []) as Array<Record<string, unknown>>;
    if (list.some((item) => item.name === body.name)) {
      error(409, 'Request_MultipleObjectsWithSameKeyValue', 'FederatedIdentityCredential with name already exists.');
      return true;
    }
    const created = { id: randomUUID(), name: body.name, issuer: body.issuer, subject: body.subject, audiences: body.audiences, description: body.description };
    app.federatedIdentityCredentials = [...list, created];
    json(exchange, 201, created);
    return true;
  }
  if (exchange.method !== 'GET') {
    data.served.push(`${graph ? 'graph' : 'arm'} ${exchange.method} ${path}`);
    error(405, 'MethodNotAllowed', 'The local stand-in serves reads only.');
    return true;
  }
  const rest = decodeURIComponent(path.slice((graph ? GRAPH_PREFIX : ARM_PREFIX).length));
  data.served.push(`${graph ? 'graph' : 'arm'} ${exchange.method} ${rest}`);
  if (graph) {
    const credentials = /^\/v1\.0\/applications\(appId='([^']+)'\)\/federatedIdentityCredentials$/.exec(rest);
    if (credentials) {
      const found = data.entraApps.find((candidate) => candidate.appId === credentials[1]);
      if (!found) error(404, 'Request_ResourceNotFound', `Resource '${credentials[1]}' does not exist or one of its queried reference-property objects are not present.`);
      else json(exchange, 200, { value: found.federatedIdentityCredentials ?? [] });
      return true;
    }
    const app = /^\/v1\.0\/applications\(appId='([^']+)'\)$/.exec(rest);
    if (app) {
      const found = data.entraApps.find((candidate) => candidate.appId === app[1]);
      if (!found) error(404, 'Request_ResourceNotFound', `Resource '${app[1]}' does not exist or one of its queried reference-property objects are not present.`);
      else json(exchange, 200, found);
      return true;
    }
    if (rest === '/v1.0/users') {
      const filter = exchange.url.searchParams.get('$filter') ?? '';
      const wanted = [...filter.matchAll(/(mail|userPrincipalName) eq '((?:[^']|'')*)'/g)].map((match) => ({ field: match[1] as 'mail' | 'userPrincipalName', value: (match[2] as string).replace(/''/g, "'").toLowerCase() }));
      // Graph compares these case-insensitively.
      const value = data.entraUsers.filter((user) => wanted.some((term) => (user[term.field] ?? '').toLowerCase() === term.value));
      json(exchange, 200, { value });
      return true;
    }
    error(400, 'BadRequest', `The local Graph does not serve ${rest}.`);
    return true;
  }
  const bot = data.bots.find((candidate) => candidate.id.toLowerCase() === rest.toLowerCase());
  if (!bot) error(404, 'ResourceNotFound', `The Resource '${rest.split('/providers/')[1] ?? rest}' was not found.`);
  else json(exchange, 200, { ...bot, name: rest.split('/').pop(), type: 'Microsoft.BotService/botServices', kind: 'azurebot', location: 'global' });
  return true;
}
