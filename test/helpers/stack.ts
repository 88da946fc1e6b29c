/**
 * The whole product on loopback for integration tests: the local Q Business service, a fake
 * Bot Framework connector, and the bot as its own process pointed at both through env vars.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { LOCAL_AAD_CLIENT_ID, LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN, LOCAL_TENANT_ID, userByObjectId } from '../../localdev/directory';
import type { MintOptions } from '../../localdev/identity/entra';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { LocalBotFrameworkService } from '../../localdev/botframework/tokenService';
import { startBotProcess, type BotProcess } from './botProcess';
import { FakeConnector } from './fakeConnector';
import { message, tokenExchange, type TeamsUser } from './teamsActivities';

export const DOCUMENTS = resolve(__dirname, '../../../localdev/qbusiness/documents');
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIALOCALTESTBOT0001', AWS_SECRET_ACCESS_KEY: 'local-test-secret-not-real' };

/** Bot settings for per-user sign-in against the local services, exactly as production reads them. */
export function ssoEnv(services: LocalServices): Record<string, string> {
  return {
    AAD_APP_CLIENT_ID: LOCAL_AAD_CLIENT_ID,
    AAD_APP_TENANT_ID: LOCAL_TENANT_ID,
    AAD_APP_OAUTH_AUTHORITY_HOST: services.url,
    IDC_APPLICATION_ARN: LOCAL_IDC_APPLICATION_ARN,
    Q_USER_ROLE_ARN: LOCAL_Q_USER_ROLE_ARN,
    SSO_RESOURCE_URI: `api://botid-${LOCAL_AAD_CLIENT_ID}`,
    TOKEN_STORE_KEY: TEST_TOKEN_STORE_KEY,
    AWS_ENDPOINT_URL_SSO_OIDC: services.url,
    AWS_ENDPOINT_URL_STS: services.url,
  };
}
export const TEST_TOKEN_STORE_KEY = randomBytes(32).toString('base64');

export interface Stack {
  q: LocalServices;
  connector: FakeConnector;
  serviceUrl: string;
  bot: BotProcess;
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** What Teams SSO would hand the bot for this person (from the local Entra-like issuer). */
  mintToken(options: MintOptions): Promise<string>;
  /** Signs a person in the way Teams does after an OAuthCard, and waits for the confirmation. */
  signIn(user: TeamsUser): Promise<void>;
  stop(): Promise<void>;
}

/** Everything a bot process needs to run against the local services, as production reads it. */
export function botEnv(q: LocalServices, extraEnv: Record<string, string> = {}): Record<string, string> {
  return {
    AMAZON_Q_APP_ID: q.applicationId,
    AMAZON_Q_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_QBUSINESS: q.url,
    LOG_LEVEL: 'info',
    // Suites assert on the card reply (ChatSync); test/integration/streaming.test.ts turns streaming on.
    STREAMING: 'off',
    ...LOCAL_CREDENTIALS,
    ...ssoEnv(q),
    ...extraEnv,
  };
}

/** Extra bot settings, fixed or made from the running local services (their URLs, a started HTTPS authority). */
export type ExtraEnv = Record<string, string> | ((services: LocalServices) => Promise<Record<string, string>>);

export async function startStack(extraEnv: ExtraEnv = {}): Promise<Stack> {
  const { q, connector, serviceUrl, bot } = await launchStack(extraEnv);
  return assembleStack(q, connector, serviceUrl, bot, async () => {
    await bot.stop();
    await connector.close();
    await q.close();
  });
}

/** The local services, the fake connector, and the bot process pointed at both. */
async function launchStack(extraEnv: ExtraEnv, prepareConnector?: (connector: FakeConnector) => void): Promise<{ q: LocalServices; connector: FakeConnector; serviceUrl: string; bot: BotProcess }> {
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  prepareConnector?.(connector);
  const serviceUrl = await connector.start();
  const bot = await startBotProcess(botEnv(q, typeof extraEnv === 'function' ? await extraEnv(q) : extraEnv));
  return { q, connector, serviceUrl, bot };
}

export const TEST_BOT_ID = '6c1f0a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
export const TEST_BOT_PASSWORD = 'local-bot-secret-not-real';

export interface AuthenticatedStack extends Stack {
  botFramework: LocalBotFrameworkService;
  /** Posts with exactly this Authorization header (or none). */
  postWith(activity: unknown, authorization: string | undefined, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

/**
 * The stack with the bot's Bot Framework identity (BOT_ID) against the local Bot Framework token
 * service: inbound activities carry channel tokens, replies must carry the bot's own bearer.
 */
export async function startAuthenticatedStack(extraEnv: Record<string, string> = {}): Promise<AuthenticatedStack> {
  const botFramework = await LocalBotFrameworkService.start({ botAppId: TEST_BOT_ID, botPassword: TEST_BOT_PASSWORD, tenantId: LOCAL_TENANT_ID });
  const { q, connector, serviceUrl, bot } = await launchStack(
    {
      BOT_ID: TEST_BOT_ID,
      BOT_PASSWORD: TEST_BOT_PASSWORD,
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: LOCAL_TENANT_ID,
      ...botFramework.botSettings(),
      NODE_EXTRA_CA_CERTS: botFramework.caFile,
      DEV_ALLOW_LOOPBACK_SERVICES: 'true',
      ...extraEnv,
    },
    (connector) => {
      connector.requireBearer = async (authorization) => Boolean(await botFramework.verifyBotToken(authorization));
    },
  );
  const authorize = async (activity: Record<string, unknown>): Promise<string> => `Bearer ${await botFramework.mintChannelToken({ serviceUrl: String(activity.serviceUrl) })}`;
  const stack = assembleStack(q, connector, serviceUrl, bot, async () => {
    await bot.stop();
    await connector.close();
    await q.close();
    await botFramework.close();
  }, authorize);
  return { ...stack, botFramework, postWith: (activity, authorization, headers) => postRaw(bot.url, JSON.stringify(activity), authorization, headers) };
}

/** One POST to the bot's messages endpoint, answered with its status and (JSON) body. */
export async function postRaw(botUrl: string, body: string | Buffer, authorization?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text for the assertion that reads it
  }
  return { status: response.status, body: parsed };
}

/** The parts of a stack every variant shares: posting activities, minting tokens, signing in. */
function assembleStack(q: LocalServices, connector: FakeConnector, serviceUrl: string, bot: BotProcess, stop: () => Promise<void>, authorize?: (activity: Record<string, unknown>) => Promise<string>): Stack {
  const post = async (activity: Record<string, unknown>) => postRaw(bot.url, JSON.stringify(activity), authorize ? await authorize(activity) : undefined);
  const mintToken = (options: MintOptions): Promise<string> => q.entra.mint(options);
  return {
    q,
    connector,
    serviceUrl,
    bot,
    post,
    mintToken,
    signIn: async (user) => {
      const before = connector.messages().length;
      const response = await post(tokenExchange(serviceUrl, user, randomUUID(), await mintToken({ aadObjectId: user.aadObjectId })));
      if (response.status !== 200) throw new Error(`sign-in of ${user.name} answered ${response.status}`);
      await connector.waitFor(`${user.name} signed in`, () => connector.messages().slice(before).some((sent) => JSON.stringify(sent.body).includes('Signed in')));
    },
    stop,
  };
}

/** The Adaptive Card of a sent activity. */
export function cardOf(activity: { body: Record<string, any> }): Record<string, any> {
  const attachment = activity.body.attachments?.[0];
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') throw new Error(`not a card: ${JSON.stringify(activity.body).slice(0, 200)}`);
  return attachment.content;
}

/**
 * Every text of a card in document order: each TextBlock, and each RichTextBlock as one line of its
 * runs — described in markdown for assertions (`markdown`, the default) or as the words a person
 * reads (`plain`).
 */
export function cardTexts(card: unknown, as: 'markdown' | 'plain' = 'markdown'): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
      // A RichTextBlock as one line of its runs, described in markdown for assertions: bold runs **…**, link runs […](url).
      if (record.type === 'RichTextBlock' && Array.isArray(record.inlines)) {
        const described = (run: Record<string, unknown>): string => {
          const text = String(run.text ?? '');
          if (as === 'plain') return text;
          if (/^\[\d+\]$/.test(text)) return text;
          const action = run.selectAction as { url?: string } | undefined;
          if (action?.url) return `[${text}](${action.url})`;
          return run.weight === 'Bolder' ? `**${text}**` : text;
        };
        texts.push((record.inlines as Array<Record<string, unknown>>).map(described).join(''));
        return;
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return texts;
}

/** The card's top-level actions by title. */
export function actionsOf(card: Record<string, any>): Array<Record<string, any>> {
  return (card.actions ?? []) as Array<Record<string, any>>;
}

/** The Identity Center user id the local services give this person. */
export function idcUserIdOf(user: TeamsUser): string {
  return userByObjectId(user.aadObjectId)?.idcUserId ?? '';
}

/**
 * The same stack with the bot running inside the test process, for what needs the bot's clock
 * under test control (credential expiry). The AWS SDK reads its endpoints and the bot's own
 * credentials from the environment, so they are set here and restored by `stop()`.
 */
export async function startInProcessStack(now: () => Date): Promise<Stack> {
  const { startBot } = await import('../../src/startBot');
  const { loadConfig } = await import('../../src/config');
  const { Writable } = await import('node:stream');
  const q = await startLocalServices({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const sdkEnv: Record<string, string> = { ...LOCAL_CREDENTIALS, AWS_ENDPOINT_URL_QBUSINESS: q.url, AWS_ENDPOINT_URL_SSO_OIDC: q.url, AWS_ENDPOINT_URL_STS: q.url };
  const saved = Object.fromEntries(Object.keys(sdkEnv).map((name) => [name, process.env[name]]));
  Object.assign(process.env, sdkEnv);
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'info', STREAMING: 'off', AMAZON_Q_APP_ID: q.applicationId, AMAZON_Q_REGION: 'us-east-1', ...ssoEnv(q) });
  const running = await startBot(config, { now, logDestination, host: '127.0.0.1' });
  const bot = { url: running.url, logs, process: undefined as never, stop: () => running.close() };
  return assembleStack(q, connector, serviceUrl, bot, async () => {
    await running.close();
    await connector.close();
    await q.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** Log lines reach the test through a pipe: wait for the next one that matters instead of racing it. */
export async function nextLog(logs: string[], pattern: RegExp, after: number, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = logs.slice(after).find((candidate) => pattern.test(candidate));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no log line matched ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Mocha hooks for a suite that shares one stack: started once with these people signed in, and
 * each test starting with no recorded traffic (and, with `freshConversationFor`, a new Q
 * conversation for that person). Returns the stack of the running suite.
 */
export function suiteStack(people: TeamsUser[], options: { freshConversationFor?: TeamsUser; env?: ExtraEnv } = {}): Stack {
  let current: Stack | undefined;
  before(async () => {
    current = await startStack(options.env);
    for (const person of people) await current.signIn(person);
  });
  after(async () => {
    await current?.stop();
  });
  beforeEach(async () => {
    const stack = current as Stack;
    stack.connector.clear();
    stack.q.state.reset();
    const person = options.freshConversationFor;
    if (!person) return;
    await stack.post(message(stack.serviceUrl, person, '/new'));
    await stack.connector.waitFor('a fresh conversation', () => stack.connector.messages().length === 1);
    stack.connector.clear();
  });
  // The stack exists only once the suite runs; tests reach it through this stand-in.
  return new Proxy({} as Stack, { get: (_target, property) => (current as unknown as Record<string | symbol, unknown>)[property] });
}
