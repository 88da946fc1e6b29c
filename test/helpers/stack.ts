/**
 * The whole product on loopback for integration tests: the local Q Business service, a fake
 * Bot Framework connector, and the bot as its own process pointed at both through env vars.
 */
import { resolve } from 'node:path';
import { startLocalQBusiness, type LocalQService } from '../../localdev/qbusiness/server';
import { startBotProcess, type BotProcess } from './botProcess';
import { FakeConnector } from './fakeConnector';

export const DOCUMENTS = resolve(__dirname, '../../../localdev/qbusiness/documents');
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIALOCALTESTBOT0001', AWS_SECRET_ACCESS_KEY: 'local-test-secret-not-real' };

export interface Stack {
  q: LocalQService;
  connector: FakeConnector;
  serviceUrl: string;
  bot: BotProcess;
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const q = await startLocalQBusiness({ documentsFolder: DOCUMENTS });
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const bot = await startBotProcess({
    AMAZON_Q_APP_ID: q.applicationId,
    AMAZON_Q_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_QBUSINESS: q.url,
    LOG_LEVEL: 'info',
    ...LOCAL_CREDENTIALS,
    ...extraEnv,
  });
  return {
    q,
    connector,
    serviceUrl,
    bot,
    post: async (activity) => {
      const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: async () => {
      await bot.stop();
      await connector.close();
      await q.close();
    },
  };
}

/** The Adaptive Card of a sent activity. */
export function cardOf(activity: { body: Record<string, any> }): Record<string, any> {
  const attachment = activity.body.attachments?.[0];
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') throw new Error(`not a card: ${JSON.stringify(activity.body).slice(0, 200)}`);
  return attachment.content;
}

/** Every TextBlock text in a card, in document order. */
export function cardTexts(card: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
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
