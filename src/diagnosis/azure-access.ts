import type { AzureReader } from '../clients/azure/azure-reader.js';

/** How the diagnosis may use Azure: a reader and where to look, or why the Azure checks are skipped. */
export type AzureAccess =
  | {
      available: true;
      reader: AzureReader;
      /** Subscription to search for the cluster and registries when no cluster id is given. */
      subscriptionId?: string;
      /** The AKS cluster's resource id, when known (`--cluster-id` or multi-cluster configuration). */
      clusterId?: string;
      /** Whether the registry client can authenticate to ACR with our own Entra identity. */
      registryTokens: boolean;
    }
  | { available: false; reason: string };
