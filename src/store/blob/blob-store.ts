import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { BlobStoreConfig } from '../../config/store.js';
import { isPullDoctorError, PullDoctorError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { assertAuditRecord } from '../validation.js';
import { storeClosed, storeUnavailable, type AuditRecord, type Store } from '../store.js';
import { BlobAppendLog, BlobDocumentStore } from './blob-documents.js';
import { blobErrorFacts, blobUnavailable } from './blob-io.js';

export interface BlobContainerDeps {
  /** Required with an account URL: production injects a managed identity credential built elsewhere. */
  credential?: TokenCredential | undefined;
  /** Passed to the SDK; tests use fewer retries. */
  pipeline?: StoragePipelineOptions | undefined;
}

/**
 * The container client for the configuration: an account URL with the injected TokenCredential (production,
 * managed identity), or a connection string (development, Azurite). No credential is ever created here, so no
 * code path can wander off to the instance metadata endpoint.
 */
export function blobContainerFor(config: BlobStoreConfig, deps: BlobContainerDeps = {}): ContainerClient {
  const options: StoragePipelineOptions = { userAgentOptions: { userAgentPrefix: 'pulldoctor' }, ...deps.pipeline };
  if (config.connectionString !== undefined) {
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(config.connectionString.reveal(), options);
    } catch {
      // No cause: the SDK's message may quote the connection string.
      throw new PullDoctorError('CONFIG_INVALID', 'STORE_BLOB_CONNECTION_STRING is not a usable storage connection string');
    }
    return service.getContainerClient(config.container);
  }
  if (config.accountUrl === undefined) {
    throw new PullDoctorError('CONFIG_INVALID', 'STORE_KIND=azure-blob needs STORE_BLOB_ACCOUNT_URL or STORE_BLOB_CONNECTION_STRING');
  }
  if (deps.credential === undefined) {
    throw new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', 'The Blob store needs an Azure credential for STORE_BLOB_ACCOUNT_URL', {
      advice:
        'Choose a credential with AZURE_CREDENTIAL (managed-identity or workload-identity in Azure) and grant it Storage Blob Data Contributor.',
    });
  }
  return new BlobServiceClient(config.accountUrl, deps.credential, options).getContainerClient(config.container);
}

export interface BlobStoreOptions {
  /** The container that holds the state, with its credential already attached (see blob-container.ts). */
  container: ContainerClient;
  log: Logger;
}

/**
 * The store for several replicas: an Azure Blob Storage container. Creates the container when it is missing at
 * open (the identity needs Storage Blob Data Contributor on the account or container), logging that a new, empty
 * store was created.
 *
 * A container that disappears later (deleted outside Pull Doctor) is noticed by the first operation that gets
 * ContainerNotFound: see `keepContainer`.
 */
export async function openBlobStore(options: BlobStoreOptions): Promise<Store> {
  const { container } = options;
  const where = safeUrl(container.url);
  const log = options.log.child({ store: 'azure-blob', container: container.containerName });
  try {
    if (await ensureContainer(container, log))
      log.warn(`created a new empty store: the Blob container ${container.containerName} did not exist`, { where });
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
  const audit = new BlobAppendLog<AuditRecord>(client, log, assertAuditRecord);
  const documents = new BlobDocumentStore(client, log);
  const kept = keepContainer(container, audit, log, where);
  return {
    documents: {
      get: (collection, id) => kept(() => documents.get(collection, id)),
      create: (collection, id, value) => kept(() => documents.create(collection, id, value)),
      replace: (collection, id, value, ifMatch) => kept(() => documents.replace(collection, id, value, ifMatch)),
      delete: (collection, id, ifMatch) => kept(() => documents.delete(collection, id, ifMatch)),
      list: (collection, listOptions) => kept(() => documents.list(collection, listOptions)),
    },
    audit: {
      append: (record) => kept(() => audit.append(record)),
      list: (listOptions) => kept(() => audit.list(listOptions)),
    },
    async close() {
      if (!open) return;
      open = false;
      log.info('store closed', { where });
    },
    describe: () => `azure-blob:${where}`,
    // One listed blob rather than the container's properties: an identity (or SAS) scoped to the container may list
    // its blobs but not always read its properties.
    ping: () =>
      kept(async () => {
        try {
          await client().listBlobsFlat().byPage({ maxPageSize: 1 }).next();
        } catch (error) {
          throw blobUnavailable('answer a ping', error);
        }
      }),
  };
}

/**
 * Runs store operations, and deals with a container that disappeared (ContainerNotFound) while the store was open.
 * Everything the container held is gone: fix requests (approved ones included), card actions, alert state and the
 * audit log. The first operation that meets the loss:
 * - creates the container again (one creation for all the operations that meet it at once), logs the loss at error
 *   level, and writes `store.container-recreated` (result `data-lost`) as the first record of the new audit log;
 *   then the operation runs again on the new, empty container. A container some other replica (or an operator)
 *   created meanwhile is used as it is: its creator reports.
 * - when the container may not be created (least privilege: Storage Blob Data Contributor on the container only),
 *   fails with STORE_UNAVAILABLE and advice to restore the soft-deleted container, which brings its state back;
 *   every operation (the readiness ping included) fails so until it is there again. The loss is logged once.
 */
function keepContainer(container: ContainerClient, audit: BlobAppendLog<AuditRecord>, log: Logger, where: string) {
  const name = container.containerName;
  let recovering: Promise<void> | undefined;
  let reported = false;
  const recover = async (): Promise<void> => {
    let created: boolean;
    try {
      created = (await container.createIfNotExists()).succeeded;
    } catch (error) {
      if (!reported)
        log.error('the Blob container is gone and cannot be created again: every store operation fails until it is restored', {
          where,
          ...blobErrorFacts(error),
        });
      reported = true;
      throw storeUnavailable(
        `The Blob container ${name} is gone (deleted outside Pull Doctor), and Pull Doctor may not create it again`,
        error,
        blobErrorFacts(error),
        containerGoneAdvice(name),
      );
    }
    reported = false;
    if (!created) return;
    const lost = `The Blob container ${name} was gone (deleted outside Pull Doctor) and was created again, empty: every fix request, approval, card action, alert state and audit record it held before ${new Date().toISOString()} is lost.`;
    log.error('the Blob container was gone; created it again, empty: everything it held is lost', { where });
    await audit
      .append({
        at: new Date().toISOString(),
        action: 'store.container-recreated',
        result: 'data-lost',
        reason: lost,
        target: { container: name },
      })
      .catch((error: unknown) => log.error('could not record the loss of the Blob container in the new audit log', { where, error }));
  };
  return async <R>(work: () => Promise<R>): Promise<R> => {
    try {
      const result = await work();
      reported = false;
      return result;
    } catch (error) {
      if (!(isPullDoctorError(error) && error.facts.blobErrorCode === 'ContainerNotFound')) throw error;
      recovering ??= recover().finally(() => (recovering = undefined));
      await recovering;
      return work();
    }
  };
}

function containerGoneAdvice(name: string): string {
  return (
    `Restore the container: it is soft-deleted for 7 days with the templates (infra/modules/state-storage.bicep), and restoring it brings back its fix requests and audit log. ` +
    `\`az storage container list --account-name ACCOUNT --include-deleted --auth-mode login\` shows its deleted version; ` +
    `\`az storage container restore --account-name ACCOUNT --name ${name} --deleted-version VERSION --auth-mode login\` restores it. ` +
    `Or run \`atk provision\` to create it again, empty.`
  );
}

/**
 * Creates the container when missing; true when it created it. An identity granted data access on the container
 * alone (least privilege) may not create containers: if creating is forbidden but the container can be listed, it
 * exists and that is enough.
 */
async function ensureContainer(container: ContainerClient, log: Logger): Promise<boolean> {
  try {
    return (await container.createIfNotExists()).succeeded;
  } catch (error) {
    if (blobErrorFacts(error).status !== 403) throw error;
    log.debug('not allowed to create the container; checking that it exists', blobErrorFacts(error));
    await container.listBlobsFlat().byPage({ maxPageSize: 1 }).next();
    return false;
  }
}

/** The container URL without its query string, which may hold a SAS signature. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
