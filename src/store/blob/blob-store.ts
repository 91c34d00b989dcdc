import type { ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../../logging/index.js';
import type { AppendLog } from '../append-log.js';
import { assertAuditRecord, type AuditRecord } from '../audit-record.js';
import type { Store } from '../store.js';
import { storeClosed } from '../store-errors.js';
import { BlobAppendLog } from './blob-append-log.js';
import { blobErrorFacts } from './blob-errors.js';
import { blobUnavailable } from './blob-io.js';
import { BlobDocumentStore } from './blob-document-store.js';

export interface BlobStoreOptions {
  /** The container that holds the state, with its credential already attached (see blob-container.ts). */
  container: ContainerClient;
  log: Logger;
}

/**
 * The store for several replicas: an Azure Blob Storage container. Creates the container when it is missing
 * (the identity needs Storage Blob Data Contributor on the account or container).
 */
export async function openBlobStore(options: BlobStoreOptions): Promise<Store> {
  const { container } = options;
  const where = safeUrl(container.url);
  const log = options.log.child({ store: 'azure-blob', container: container.containerName });
  try {
    await ensureContainer(container, log);
  } catch (error) {
    log.error('cannot open the Blob store', { where, ...blobErrorFacts(error) });
    throw blobUnavailable(`open the container ${container.containerName}`, error);
  }
  log.info('store opened', { where });

  let open = true;
  const client = (): ContainerClient => {
    if (!open) throw storeClosed();
    return container;
  };
  const audit: AppendLog<AuditRecord> = new BlobAppendLog<AuditRecord>(client, log, assertAuditRecord);
  return {
    documents: new BlobDocumentStore(client, log),
    audit,
    async close() {
      if (!open) return;
      open = false;
      log.info('store closed', { where });
    },
    describe: () => `azure-blob:${where}`,
    async ping() {
      try {
        await client().getProperties();
      } catch (error) {
        throw blobUnavailable('answer a ping', error);
      }
    },
  };
}

/**
 * Creates the container when missing. An identity granted data access on the container alone (least
 * privilege) may not create containers: if creating is forbidden but the container can be listed, it exists
 * and that is enough.
 */
async function ensureContainer(container: ContainerClient, log: Logger): Promise<void> {
  try {
    await container.createIfNotExists();
    return;
  } catch (error) {
    if (blobErrorFacts(error).status !== 403) throw error;
    log.debug('not allowed to create the container; checking that it exists', blobErrorFacts(error));
    await container.listBlobsFlat().byPage({ maxPageSize: 1 }).next();
  }
}

/** The container URL without its query string, which may hold a SAS signature. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
