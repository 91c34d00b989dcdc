import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { PullDoctorError } from '../../errors/index.js';
import type { BlobStoreConfig } from '../../config/store.js';

export interface BlobContainerDeps {
  /** Required with an account URL: production injects a managed identity credential built elsewhere. */
  credential?: TokenCredential;
  /** Passed to the SDK; tests use fewer retries. */
  pipeline?: StoragePipelineOptions;
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
      advice: 'Choose a credential with AZURE_CREDENTIAL (managed-identity or workload-identity in Azure) and grant it Storage Blob Data Contributor.',
    });
  }
  return new BlobServiceClient(config.accountUrl, deps.credential, options).getContainerClient(config.container);
}
