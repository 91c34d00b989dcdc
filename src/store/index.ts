import type { TokenCredential } from '@azure/identity';
import type { StoragePipelineOptions } from '@azure/storage-blob';
import { isLoopbackUrl } from '../clients/loopback.js';
import type { StoreConfig } from '../config/store.js';
import type { Logger } from '../logging/index.js';
import { blobContainerFor, openBlobStore } from './blob/blob-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export { assertAuditRecord } from './validation.js';
export { openBlobStore } from './blob/blob-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export {
  MAX_DOCUMENT_BYTES,
  updateWithRetry,
  type AppendLog,
  type AuditRecord,
  type DocumentStore,
  type Store,
  type StoredDocument,
} from './store.js';

/**
 * The bot's state store, as the rest of the code sees it: the interfaces (store.ts), compare-and-swap updates, and
 * opening the configured backend (SQLite for one host, Azure Blob for several replicas). The backends' files are
 * theirs alone.
 */

export interface CreateStoreDeps {
  /** For STORE_BLOB_ACCOUNT_URL: built by the entry point from AZURE_CREDENTIAL (managed identity in production). */
  credential?: TokenCredential | undefined;
  log: Logger;
  /** Blob SDK pipeline options (retries, timeouts); tests pass fewer retries. */
  blobPipeline?: StoragePipelineOptions | undefined;
}

/** Opens the configured store. Fails with STORE_UNAVAILABLE, CONFIG_INVALID or AZURE_CREDENTIAL_UNAVAILABLE. */
export async function createStore(config: StoreConfig, deps: CreateStoreDeps): Promise<Store> {
  if (config.kind === 'sqlite') return openSqliteStore({ path: config.path, log: deps.log });
  const container = blobContainerFor(config, { credential: deps.credential, pipeline: deps.blobPipeline });
  if (config.connectionString !== undefined && !isLoopbackUrl(container.url)) {
    deps.log.warn(
      'the Blob store uses a connection string (an account key) outside development; prefer STORE_BLOB_ACCOUNT_URL with a managed identity',
    );
  }
  return openBlobStore({ container, log: deps.log });
}
