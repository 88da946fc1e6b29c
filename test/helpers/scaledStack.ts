/**
 * The product scaled out on loopback: the local AWS services, a fake connector, Azurite as the
 * shared blob store, and several bot processes on one container — what App Service runs behind
 * one bot registration. Instances can be stopped, killed and replaced mid-test.
 */
import { randomUUID } from 'node:crypto';
import { startLocalServices, type LocalServices } from '../../localdev/server';
import { startAzurite, type Azurite } from './azurite';
import { startBotProcess, type BotProcess } from './botProcess';
import { FakeConnector } from './fakeConnector';
import { botEnv, DOCUMENTS, postRaw } from './stack';

export interface ScaledStack {
  q: LocalServices;
  connector: FakeConnector;
  serviceUrl: string;
  azurite: Azurite;
  instances: BotProcess[];
  post(instance: number, activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** Starts a fresh process in place of instance `index` (after a stop or a kill). */
  replace(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startScaledStack(count = 2, extraEnv: Record<string, string> = {}): Promise<ScaledStack> {
  const [q, azurite] = await Promise.all([startLocalServices({ documentsFolder: DOCUMENTS }), startAzurite()]);
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const env = botEnv(q, { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, BOT_STATE_BLOB_CONTAINER: `bot-state-${randomUUID().slice(0, 8)}`, ...extraEnv });
  const instances = await Promise.all(Array.from({ length: count }, () => startBotProcess(env)));
  return {
    q,
    connector,
    serviceUrl,
    azurite,
    instances,
    post: (instance, activity) => postRaw((instances[instance] as BotProcess).url, JSON.stringify(activity)),
    replace: async (index) => {
      await instances[index]?.stop();
      instances[index] = await startBotProcess(env);
    },
    stop: async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
      await connector.close();
      await q.close();
      await azurite.stop();
    },
  };
}
