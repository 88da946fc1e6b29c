/**
 * `StateStorage` on Azure Blob Storage through `@azure/storage-blob` alone: one JSON blob per key,
 * named as botbuilder-azure-blobs named them (see blobNames.ts), eTags as `If-Match`, and
 * `If-None-Match: *` to create. Works against Azure with the managed identity, and against Azurite
 * (Microsoft's emulator) with a connection string. The client's pipeline is trimmed to what these
 * calls need (see `BlobStoreOptions`).
 */
import type { TokenCredential } from '@azure/identity';
import { ContainerClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { blobName } from './blobNames';
import { eTagConflict, wantedETag, withoutETag, type StateStorage, type StoredItems } from './stateStorage';

export type BlobTarget = { connectionString: string; container: string } | { containerUrl: string; credential: TokenCredential };

type Conditions = { ifMatch?: string; ifNoneMatch?: string };

export interface BlobStoreOptions {
  /**
   * Keep the SDK's own tracing and logging policies (on when the bot's telemetry is on). Off, they
   * only cost CPU on every request: storage calls get their spans from src/telemetry/storage.ts.
   */
  sdkTelemetry?: boolean;
}

/**
 * Every caller either retries on a lost race itself or answers a person who is waiting, so failed
 * requests are retried briefly (the SDK default waits up to two minutes) and a hung request is cut
 * off instead of holding a turn. Conflicts (409, 412) are never retried by the SDK.
 */
const RETRY: StoragePipelineOptions['retryOptions'] = { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1_000, tryTimeoutInMs: 10_000 };
/** Policies that do nothing for these requests in Node (no proxy, redirects, forms or browser) or only log and trace. */
const IDLE_POLICIES = ['proxyPolicy', 'redirectPolicy', 'formDataPolicy', 'multipartPolicy', 'storageBrowserPolicy'];
const TELEMETRY_POLICIES = ['tracingPolicy', 'logPolicy'];

export class BlobStateStorage implements StateStorage {
  private readonly container: ContainerClient;
  private ready?: Promise<unknown>;

  constructor(target: BlobTarget, options: BlobStoreOptions = {}) {
    // The SDK's HTTP client already keeps connections alive (one shared keep-alive agent).
    const pipeline: StoragePipelineOptions = { retryOptions: RETRY };
    this.container =
      'connectionString' in target
        ? new ContainerClient(target.connectionString, target.container, pipeline)
        : new ContainerClient(target.containerUrl, target.credential, pipeline);
    trimPipeline(this.container, options.sdkTelemetry ? IDLE_POLICIES : [...IDLE_POLICIES, ...TELEMETRY_POLICIES]);
  }

  async read(keys: string[]): Promise<StoredItems> {
    await this.containerReady();
    const found = await Promise.all(keys.map(async (key) => [key, await this.readOne(key)] as const));
    const items: StoredItems = {};
    for (const [key, item] of found) if (item) items[key] = item;
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    await this.containerReady();
    await Promise.all(
      Object.entries(changes).map(async ([key, change]) => {
        const ifMatch = wantedETag(change);
        const eTag = await this.upload(key, change, ifMatch ? { ifMatch } : {});
        if (eTag === undefined) throw eTagConflict(key);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await this.containerReady();
    await Promise.all(
      keys.map(async (key) => {
        try {
          await this.container.deleteBlob(blobName(key));
        } catch (error) {
          if (!hasStatus(error, 404)) throw error;
        }
      }),
    );
  }

  async create(key: string, item: object): Promise<string | undefined> {
    await this.containerReady();
    return this.upload(key, item, { ifNoneMatch: '*' });
  }

  async replace(key: string, item: object, eTag: string): Promise<string | undefined> {
    await this.containerReady();
    return this.upload(key, item, { ifMatch: eTag });
  }

  async deleteIf(key: string, eTag: string): Promise<boolean> {
    await this.containerReady();
    try {
      await this.container.deleteBlob(blobName(key), { conditions: { ifMatch: eTag } });
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing runs in the background: the HTTP pipeline holds no timers.
  }

  private async readOne(key: string): Promise<StoredItems[string] | undefined> {
    let response;
    try {
      response = await this.container.getBlobClient(blobName(key)).download();
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
    const body = response.readableStreamBody;
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as object;
    return { ...parsed, ...(response.etag ? { eTag: response.etag } : {}) };
  }

  /** The new eTag, or undefined when the condition did not hold (someone else won). */
  private async upload(key: string, item: object, conditions: Conditions): Promise<string | undefined> {
    const body = Buffer.from(JSON.stringify(withoutETag(item)), 'utf8');
    try {
      const result = await this.container.getBlockBlobClient(blobName(key)).upload(body, body.length, {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return result.etag;
    } catch (error) {
      if (lostRace(error)) return undefined;
      throw error;
    }
  }

  private containerReady(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

/**
 * The SDK offers no option to leave policies out, but its client pipeline (core-rest-pipeline's,
 * reached through the client's context) removes them by name. Should that shape ever change, the
 * client keeps its full pipeline and works as before.
 */
function trimPipeline(client: ContainerClient, names: string[]): void {
  const pipeline = (client as unknown as { storageClientContext?: { pipeline?: { removePolicy?(options: { name: string }): unknown } } }).storageClientContext?.pipeline;
  if (typeof pipeline?.removePolicy !== 'function') return;
  for (const name of names) pipeline.removePolicy({ name });
}

function hasStatus(error: unknown, status: number): boolean {
  return error instanceof RestError && error.statusCode === status;
}

/** 412: the condition failed; 409: it already exists; 404: it is gone. All mean "someone else won". */
function lostRace(error: unknown): boolean {
  return hasStatus(error, 412) || hasStatus(error, 409) || hasStatus(error, 404);
}
