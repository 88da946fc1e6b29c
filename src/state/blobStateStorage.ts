/**
 * `StateStorage` on Azure Blob Storage: botbuilder's `BlobsStorage` for read / write / delete (one
 * JSON blob per key, eTags as `ifMatch`), and the same container for the conditional operations
 * it lacks (`ifNoneMatch: *` to create, `ifMatch` to replace or delete). Works against Azure with
 * the managed identity, and against Azurite (Microsoft's emulator) with a connection string.
 */
import type { TokenCredential } from '@azure/identity';
import { ContainerClient, RestError } from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
// The library's own key → blob name mapping, so the conditional paths address the same blobs.
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import type { StateStorage } from './stateStorage';

export type BlobTarget = { connectionString: string; container: string } | { containerUrl: string; credential: TokenCredential };

export class BlobStateStorage extends BlobsStorage implements StateStorage {
  private readonly container: ContainerClient;
  private ready?: Promise<unknown>;

  constructor(target: BlobTarget) {
    if ('connectionString' in target) {
      super(target.connectionString, target.container);
      this.container = new ContainerClient(target.connectionString, target.container);
    } else {
      super('', '', {}, target.containerUrl, target.credential);
      this.container = new ContainerClient(target.containerUrl, target.credential);
    }
  }

  async create(key: string, item: object): Promise<string | undefined> {
    return this.upload(key, item, { ifNoneMatch: '*' });
  }

  async replace(key: string, item: object, eTag: string): Promise<string | undefined> {
    return this.upload(key, item, { ifMatch: eTag });
  }

  async deleteIf(key: string, eTag: string): Promise<boolean> {
    await this.containerReady();
    try {
      await this.container.deleteBlob(sanitizeBlobKey(key), { conditions: { ifMatch: eTag } });
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing runs in the background: the HTTP pipeline holds no timers.
  }

  private async upload(key: string, item: object, conditions: { ifMatch?: string; ifNoneMatch?: string }): Promise<string | undefined> {
    await this.containerReady();
    const { eTag: _ignored, ...value } = item as { eTag?: unknown };
    const body = JSON.stringify(value);
    try {
      const result = await this.container.getBlockBlobClient(sanitizeBlobKey(key)).upload(body, Buffer.byteLength(body), {
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

/** 412: the condition failed; 409: it already exists; 404: it is gone. All mean "someone else won". */
function lostRace(error: unknown): boolean {
  return error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409 || error.statusCode === 404);
}
