/**
 * Where shared state lives: memory for one process; Azure Blob Storage for several instances,
 * reached with the managed identity (production) or a connection string (the Azure SDK
 * convention; Azurite locally).
 */
import { defineSettings, type NamesOf } from '../settings/definition';
import { WHERE, type SettingsReader } from '../settings/reader';

export type StateStoreConfig =
  | { kind: 'memory' }
  | { kind: 'blobManagedIdentity'; containerUrl: string; managedIdentityClientId: string }
  | { kind: 'blobConnectionString'; connectionString: string; container: string };

export const STATE_SETTINGS = defineSettings([
  {
    names: ['BOT_STATE_BLOB_URL'],
    required: 'no (memory)',
    meaning: 'blob container for shared state (`https://<account>.blob.core.windows.net/<container>`), reached with the managed identity; needs `BOT_TYPE=UserAssignedMsi`',
  },
  {
    names: ['AZURE_STORAGE_CONNECTION_STRING', 'BOT_STATE_BLOB_CONTAINER'],
    required: 'no (memory); both or neither',
    meaning:
      "shared state in a blob container reached with a connection string (the Azure SDK convention): Azurite (`UseDevelopmentStorage=true` or its full development string), or an account where managed identity isn't available. Not together with `BOT_STATE_BLOB_URL`",
  },
]);

/** Azure Storage container names: 3–63 lowercase letters, digits and single hyphens. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** `managedIdentityClientId`: BOT_ID when the bot runs as a user-assigned managed identity. */
export function readStateSettings(read: SettingsReader<NamesOf<typeof STATE_SETTINGS>>, managedIdentityClientId: string | undefined): StateStoreConfig {
  const containerUrl = read.text('BOT_STATE_BLOB_URL');
  const connectionString = read.text('AZURE_STORAGE_CONNECTION_STRING');
  const container = read.text('BOT_STATE_BLOB_CONTAINER');
  if (containerUrl && (connectionString || container)) {
    read.problem('BOT_STATE_BLOB_URL and AZURE_STORAGE_CONNECTION_STRING/BOT_STATE_BLOB_CONTAINER are both set: use the container URL with the managed identity (Azure), or a connection string and container name (Azurite, other hosts), not both.');
    return { kind: 'memory' };
  }
  if (containerUrl) {
    if (!/^https:\/\/[^/]+\/[^/]+$/.test(containerUrl) || !managedIdentityClientId) {
      read.mustBe('BOT_STATE_BLOB_URL', 'a blob container URL (https://<account>.blob.core.windows.net/<container>) and needs BOT_TYPE=UserAssignedMsi', containerUrl);
    }
    return { kind: 'blobManagedIdentity', containerUrl, managedIdentityClientId: managedIdentityClientId ?? '' };
  }
  if (!connectionString && !container) return { kind: 'memory' };
  if (!connectionString) read.problem(`AZURE_STORAGE_CONNECTION_STRING is not set, but BOT_STATE_BLOB_CONTAINER is: set the storage account's connection string too (for Azurite: "UseDevelopmentStorage=true"), or unset BOT_STATE_BLOB_CONTAINER to keep state in memory. ${WHERE}`);
  if (!container) read.problem(`BOT_STATE_BLOB_CONTAINER is not set, but AZURE_STORAGE_CONNECTION_STRING is: name the blob container that holds the bot's state (e.g. bot-state). ${WHERE}`);
  else if (!CONTAINER_NAME.test(container)) read.mustBe('BOT_STATE_BLOB_CONTAINER', 'a container name (3-63 lowercase letters, digits and hyphens)', container);
  // The value is a secret: never echoed, only checked for the part that says which account it is.
  if (connectionString && connectionString !== 'UseDevelopmentStorage=true' && !/(^|;)\s*(AccountName|BlobEndpoint)=/i.test(connectionString)) {
    read.problem('AZURE_STORAGE_CONNECTION_STRING does not look like an Azure Storage connection string (it names no AccountName or BlobEndpoint).');
  }
  return { kind: 'blobConnectionString', connectionString: connectionString ?? '', container: container ?? '' };
}
