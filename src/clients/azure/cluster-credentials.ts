import { parse } from 'yaml';
import { PullDoctorError } from '../../errors/index.js';
import { AzureSdkClients, azureCall, type AzureClientOptions } from './azure-sdk.js';
import { requireCluster } from './resource-id.js';

/** Where a cluster's API server is and which CA signs it: enough to open a TLS connection to it. */
export interface ClusterEndpoint {
  /** `clusters[].cluster.server` of the kubeconfig, e.g. https://aks-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443 */
  server: string;
  /** `certificate-authority-data`: the PEM bundle, base64-encoded (the kubeconfig / @kubernetes/client-node form). */
  caData: string;
}

export interface ClusterCredentials {
  getClusterUserKubeconfig(clusterId: string): Promise<ClusterEndpoint>;
}

interface KubeconfigShape {
  'current-context'?: unknown;
  contexts?: Array<{ name?: unknown; context?: { cluster?: unknown } }>;
  clusters?: Array<{ name?: unknown; cluster?: { server?: unknown; 'certificate-authority-data'?: unknown } }>;
}

function malformed(clusterId: string, why: string): PullDoctorError {
  return new PullDoctorError('AZURE_API_ERROR', `The kubeconfig Azure returned for ${clusterId} is unusable: ${why}.`, {
    facts: { resource: clusterId },
  });
}

/** The server and CA of the current context's cluster (or the only cluster) of a kubeconfig. */
export function clusterEndpointFromKubeconfig(yamlText: string, clusterId: string): ClusterEndpoint {
  let doc: KubeconfigShape;
  try {
    doc = (parse(yamlText) ?? {}) as KubeconfigShape;
  } catch {
    throw malformed(clusterId, 'it is not YAML');
  }
  if (typeof doc !== 'object' || !Array.isArray(doc.clusters) || doc.clusters.length === 0)
    throw malformed(clusterId, 'it has no clusters');
  const current = doc['current-context'];
  const contextCluster = Array.isArray(doc.contexts) ? doc.contexts.find((c) => c.name === current)?.context?.cluster : undefined;
  const entry =
    doc.clusters.find((c) => contextCluster !== undefined && c.name === contextCluster) ??
    (doc.clusters.length === 1 ? doc.clusters[0] : undefined);
  if (!entry) throw malformed(clusterId, 'its current context names no listed cluster');
  const server = entry.cluster?.server;
  const caData = entry.cluster?.['certificate-authority-data'];
  if (typeof server !== 'string' || !/^https:\/\/[^\s/]+/i.test(server)) throw malformed(clusterId, 'the cluster has no https server URL');
  if (
    typeof caData !== 'string' ||
    !/^[A-Za-z0-9+/=\s]+$/.test(caData) ||
    !Buffer.from(caData, 'base64').toString('utf8').includes('-----BEGIN CERTIFICATE-----')
  ) {
    throw malformed(clusterId, 'the cluster has no certificate-authority-data');
  }
  return { server, caData: caData.replace(/\s+/g, '') };
}

/**
 * Reads a cluster's user kubeconfig (ManagedClusters.listClusterUserCredentials, POST
 * …/listClusterUserCredential) and keeps only what locates and authenticates the API server. The kubeconfig's
 * user section (tokens, kubelogin arguments) is never returned or logged.
 */
export function createClusterCredentials(options: AzureClientOptions): ClusterCredentials {
  const clients = new AzureSdkClients(options);
  const call = azureCall(options);
  return {
    async getClusterUserKubeconfig(clusterId) {
      const id = requireCluster(clusterId);
      const result = await call({ operation: `read the user kubeconfig of AKS cluster ${id.name}`, resource: id.id }, () =>
        clients.containerService(id.subscriptionId).managedClusters.listClusterUserCredentials(id.resourceGroup, id.name),
      );
      const value = result.kubeconfigs?.[0]?.value;
      if (!value || value.length === 0) throw malformed(id.id, 'no kubeconfig was returned');
      return clusterEndpointFromKubeconfig(Buffer.from(value).toString('utf8'), id.id);
    },
  };
}
