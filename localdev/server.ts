/**
 * The local, AWS-compatible services on one port: Amazon Q Business, IAM Identity Center's
 * CreateTokenWithIAM, STS AssumeRole, and an Entra-like OpenID issuer. The real AWS SDK clients
 * reach them through AWS_ENDPOINT_URL_QBUSINESS / _SSO_OIDC / _STS, the bot's token validation
 * through AAD_APP_OAUTH_AUTHORITY_HOST. Administrators' reads (the doctor's: Identity Center
 * admin, identity store, IAM, Q GetApplication, Graph, ARM) come from localdev/admin/. A
 * development tool: not part of the product.
 */
import { handleControl } from './control';
import { LocalGraphMeetings, MS_GRAPH_PREFIX } from './graph/meetings';
import { listen, type Exchange } from './http';
import { signatureMatches, signatureScope } from './sigv4';
import { LocalEntraIssuer } from './identity/entra';
import { handleCreateTokenWithIAM } from './identity/identityCenter';
import { LocalIam } from './identity/iam';
import { seedLocalAwsAccount } from './identity/account';
import { LOCAL_MI_CLIENT_ID, LOCAL_MI_PATH, LocalManagedIdentity } from './identity/managedIdentity';
import { IdentityState, LocalClock } from './identity/state';
import { handleSts, isStsRequest } from './identity/sts';
import { Knowledge } from './qbusiness/knowledge';
import { handleChatStream, isChatRequest } from './qbusiness/chatStream';
import { handleQ, QError } from './qbusiness/routes';
import { LocalQState, type Pacing } from './qbusiness/state';

import { handleAdminControl } from './admin/control';
import { seedAdminData, type AdminData, type AdminLayout } from './admin/data';
import { BOT_PREFIX, handleMicrosoft } from './admin/microsoft';
import { handleAdminAws } from './admin/services';

import { LOCAL_APPLICATION_ID } from '../deploy/aws/localServices';

export { LOCAL_APPLICATION_ID };

export interface LocalServicesOptions {
  port?: number;
  host?: string;
  documentsFolder: string;
  /** Conversations older than this are forgotten, as Q eventually does. */
  conversationTtlMs?: number;
  /** How fast answers come (Chat streams at this pace; ChatSync waits for the whole answer). Default: at once. */
  pacing?: Pacing;
  /** Where Identity Center lives in the admin data (default: the Q Business account and Region). */
  adminLayout?: AdminLayout;
  /** Answer "hostile <name>" with a hostile document (localdev/qbusiness/hostileDocuments.ts). */
  hostileDocuments?: boolean;
}

export interface LocalServices {
  url: string;
  applicationId: string;
  /** Q Business conversations, every recorded call (all services) and queued faults. */
  state: LocalQState;
  identity: IdentityState;
  entra: LocalEntraIssuer;
  /** The local account's OIDC providers and roles (AssumeRoleWithWebIdentity decides with them). */
  iam: LocalIam;
  /** An App Service managed identity (IDENTITY_ENDPOINT = url + LOCAL_MI_PATH), trusted by the bot role `botAwsRoleArn`. */
  managedIdentity: LocalManagedIdentity;
  botAwsRoleArn: string;
  clock: LocalClock;
  /** What the administrators' consoles show (the doctor's reads); tests break pieces of it. */
  admin: AdminData;
  /** Back to a correct deployment, optionally with Identity Center in another account or Region. */
  resetAdmin(layout?: AdminLayout): void;
  /** The documents Q answers from (tests switch the hostile ones on here). */
  knowledge: Knowledge;
  /** Microsoft Graph's meeting transcripts and the Entra token endpoint for the bot's app-only tokens. */
  graph: LocalGraphMeetings;
  close(): Promise<void>;
}

export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  let url = '';
  const clock = new LocalClock();
  const state = new LocalQState(options.pacing);
  const identity = new IdentityState();
  const entra = await LocalEntraIssuer.create(() => url, clock);
  const knowledge = Knowledge.fromFolder(options.documentsFolder);
  // Seeded once the port is known: the Azure Bot's endpoint points at the local bot stand-in.
  const admin = {} as AdminData;
  const resetAdmin = (layout = options.adminLayout): void => {
    for (const key of Object.keys(admin)) delete (admin as unknown as Record<string, unknown>)[key];
    Object.assign(admin, seedAdminData(`${url}${BOT_PREFIX}`, { iam, managedIdentityKeys: managedIdentity.keys }, layout));
  };
  if (options.hostileDocuments) knowledge.enableHostileDocuments();
  const iam = new LocalIam();
  const managedIdentity = await LocalManagedIdentity.create(clock);
  // The one local account: STS, the managed identity's trust and the doctor's reads share it.
  const { botRoleArn: botAwsRoleArn } = seedLocalAwsAccount(iam, managedIdentity.keys);
  const graph = new LocalGraphMeetings(clock, managedIdentity.keys);
  // What a bot on this machine sets to read meetings here (the playground script asks /_local/graph).
  const graphBotSettings = (): Record<string, string> => ({
    GRAPH_BASE_URL: `${url}${MS_GRAPH_PREFIX}`,
    GRAPH_MANAGED_IDENTITY_CLIENT_ID: LOCAL_MI_CLIENT_ID,
    IDENTITY_ENDPOINT: `${url}${LOCAL_MI_PATH}`,
    IDENTITY_HEADER: managedIdentity.identityHeader,
    DEV_TEAMS_MEETING_API_URL: url,
  });

  const record = (operation: string, principal: string, details: Record<string, unknown>): void => {
    state.calls.push({ operation, principal, body: details, requestId: IdentityState.requestId(), at: new Date().toISOString() });
  };
  const identityContext = { state: identity, entra, iam, clock, record, fault: (operation: string) => state.takeFault(operation) };
  const qContext = {
    knowledge,
    state,
    applicationId: LOCAL_APPLICATION_ID,
    conversationTtlMs: options.conversationTtlMs ?? 24 * 60 * 60 * 1000,
    principalOf: (exchange: Exchange) => identityAwarePrincipal(exchange, identity, clock),
  };

  const route = async (exchange: Exchange): Promise<void> => {
    const path = exchange.url.pathname;
    if (await graph.handle(exchange, graphBotSettings)) return;
    if (handleAdminControl(exchange, admin, resetAdmin) || handleMicrosoft(exchange, admin) || (await handleAdminAws(exchange, admin))) return;
    if (path.startsWith('/_local/')) return handleControl(exchange, { state, identity, entra, clock, applicationId: LOCAL_APPLICATION_ID, documentCount: knowledge.documentCount });
    if (path.startsWith('/applications/')) return handleQ(exchange, qContext);
    if (path === '/token' && exchange.method === 'POST') return handleCreateTokenWithIAM(exchange, identityContext);
    if (isStsRequest(exchange)) return handleSts(exchange, identityContext);
    if (managedIdentity.handles(exchange)) return managedIdentity.handle(exchange);
    if (entra.handle(exchange)) return;
    exchange.respond(404, { 'content-type': 'application/json' }, JSON.stringify({ message: `Nothing at ${exchange.method} ${path}` }));
  };
  const chatContext = { ...qContext, signingSecretOf: (accessKeyId: string) => identity.credentials.get(accessKeyId) };
  const door = await listen(options.port ?? 0, options.host ?? '127.0.0.1', route, (req, res) => {
    if (!isChatRequest(req)) return false;
    void handleChatStream(req, res, chatContext);
    return true;
  });
  url = `http://127.0.0.1:${door.port}`;
  resetAdmin();
  return { url, applicationId: LOCAL_APPLICATION_ID, state, identity, entra, iam, managedIdentity, botAwsRoleArn, clock, knowledge, admin, resetAdmin, graph,
    close: async () => {
      await graph.close();
      await door.close();
    },
  };
}

/**
 * Q Business only serves identity-aware sessions: temporary credentials from AssumeRole with an
 * Identity Center context. Anything else is refused the way AWS refuses it.
 */
async function identityAwarePrincipal(exchange: Exchange, identity: IdentityState, clock: LocalClock): Promise<{ principal: string; accessKeyId: string }> {
  const scope = signatureScope(exchange);
  if (!scope || scope.service !== 'qbusiness') throw new QError('AccessDeniedException', 'Request is missing a valid AWS Signature Version 4 for service qbusiness.');
  const { accessKeyId } = scope;
  const session = identity.credentials.get(accessKeyId);
  if (!session || exchange.headers['x-amz-security-token'] !== session.sessionToken) {
    throw new QError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!(await signatureMatches(exchange, session))) {
    throw new QError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  if (session.expiration.getTime() <= clock.now().getTime()) throw new QError('ExpiredTokenException', 'The security token included in the request is expired.');
  if (!session.idcUserId) {
    throw new QError('AccessDeniedException', 'Amazon Q Business requires identity-aware credentials: AssumeRole with an IAM Identity Center identity context.');
  }
  return { principal: session.idcUserId, accessKeyId };
}
