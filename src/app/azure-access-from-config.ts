import type { TokenCredential } from '@azure/identity';
import type { AzureConfig } from '../config/index.js';
import { createAzureReader } from '../clients/azure/azure-reader.js';
import type { AzureAccess } from '../diagnosis/facts.js';
import type { Logger } from '../logging/index.js';

/** Azure access for the diagnosis from configuration and an (explicitly chosen) credential. */
export function azureAccessFrom(config: AzureConfig, credential: TokenCredential | null, options: { clusterId?: string; log: Logger }): AzureAccess {
  if (!credential) {
    return {
      available: false,
      reason: 'no Azure credential is configured (set AZURE_CREDENTIAL to cli, managed-identity, workload-identity, environment or default).',
    };
  }
  const access: AzureAccess = {
    available: true,
    reader: createAzureReader({ credential, endpoint: config.resourceManagerEndpoint, log: options.log }),
    registryTokens: true,
  };
  if (config.subscriptionId) access.subscriptionId = config.subscriptionId;
  if (options.clusterId) access.clusterId = options.clusterId;
  return access;
}
