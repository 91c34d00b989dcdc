import type { TokenCredential } from '@azure/identity';
import type { KubeConfig } from '@kubernetes/client-node';
import { createKubernetesReader, type KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { kubeConfigForServer, loadKubeConfig, refreshingToken } from '../clients/kubernetes/kube-config.js';
import type { Env, KubernetesConfig } from '../config/index.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { ClusterDefinition, ClustersFile } from './clusters-file.js';

/** The Entra application of the AKS API servers: tokens for it authenticate to AKS clusters with Entra ID. */
export const AKS_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';

/** A cluster Pull Doctor can talk to. */
export interface ClusterConnection {
  name: string;
  kube: KubernetesReader;
  /** For informers (the alert watcher) and other client-node APIs. */
  kubeConfig: KubeConfig;
  /** The AKS resource id, when the cluster is addressed by it (the diagnosis then needs no search). */
  clusterId?: string;
  /** Namespaces the alert watcher watches; undefined means all. */
  namespaces?: string[];
  /** Alert routing: namespace or `*` → conversation id. */
  routes: Record<string, string>;
}

export interface ClusterRegistry {
  /** Configured cluster names, default first. */
  names(): string[];
  defaultName(): string;
  /** Connects (once, then cached) to the named cluster, or the default one. Unknown names are INVALID_INPUT. */
  connect(name?: string): Promise<ClusterConnection>;
}

export interface ClusterRegistryDeps {
  env: Env;
  kubernetes: KubernetesConfig;
  /** The Azure credential, needed for clusters addressed by resource id. */
  credential: TokenCredential | null;
  armEndpoint: string;
  log: Logger;
  /** Refresh AKS tokens this long before they expire (default 5 minutes). */
  refreshBeforeMs?: number;
}

/**
 * The clusters the bot serves. Without a cluster file: one cluster, the kubeconfig's (KUBECONFIG / default path /
 * in-cluster), named after its context. With one: each cluster by kubeconfig context, or by AKS resource id — then no
 * kubeconfig and no kubelogin are needed: the server URL and CA come from ARM (listClusterUserCredential) and requests
 * carry an Entra token for the AKS server application from Pull Doctor's own identity, refreshed before it expires.
 */
export function createClusterRegistry(file: ClustersFile | null, deps: ClusterRegistryDeps): ClusterRegistry {
  const connections = new Map<string, Promise<ClusterConnection>>();
  const kubeconfigOptions = (context?: string) => ({
    kubeconfigPath: deps.kubernetes.kubeconfig || undefined,
    context: context || undefined,
  });

  if (!file) {
    const connectSingle = async (): Promise<ClusterConnection> => {
      const kubeConfig = loadKubeConfig(kubeconfigOptions(deps.kubernetes.context), deps.env);
      const name = kubeConfig.getCurrentContext() || 'default';
      return { name, kube: createKubernetesReader(kubeConfig, { log: deps.log }), kubeConfig, routes: {} };
    };
    let single: Promise<ClusterConnection> | undefined;
    return {
      names: () => [],
      defaultName: () => '',
      connect(name) {
        if (name !== undefined && name !== '') {
          return Promise.reject(
            new PullDoctorError('INVALID_INPUT', `No cluster named "${name}": only the kubeconfig's cluster is configured.`, {
              advice: 'List clusters by name in a cluster file (PULLDOCTOR_CONFIG) to choose between them.',
            }),
          );
        }
        single ??= connectSingle().catch((error: unknown) => {
          single = undefined;
          throw error;
        });
        return single;
      },
    };
  }

  const byName = new Map(file.clusters.map((c) => [c.name, c]));
  const connectTo = async (def: ClusterDefinition): Promise<ClusterConnection> => {
    const base = { name: def.name, routes: def.routes, ...(def.namespaces ? { namespaces: def.namespaces } : {}) };
    if (def.source.kind === 'context') {
      const kubeConfig = loadKubeConfig(kubeconfigOptions(def.source.context), deps.env);
      return { ...base, kube: createKubernetesReader(kubeConfig, { log: deps.log }), kubeConfig };
    }
    const credential = deps.credential;
    if (!credential) {
      throw new PullDoctorError(
        'AZURE_CREDENTIAL_UNAVAILABLE',
        `Cluster "${def.name}" is addressed by its AKS resource id, which needs an Azure credential.`,
        {
          advice: 'Set AZURE_CREDENTIAL (managed-identity in Azure, cli on a workstation).',
        },
      );
    }
    // The ARM SDK loads when a cluster is first addressed by resource id (cluster-connections.ts says why).
    const { createClusterCredentials } = await import('../clients/azure/cluster-credentials.js');
    const endpoint = await createClusterCredentials({ credential, endpoint: deps.armEndpoint, log: deps.log }).getClusterUserKubeconfig(
      def.source.resourceId,
    );
    const token = refreshingToken(
      () => credential.getToken(AKS_SERVER_SCOPE),
      deps.refreshBeforeMs === undefined ? {} : { refreshBeforeMs: deps.refreshBeforeMs },
    );
    const kubeConfig = kubeConfigForServer({ server: endpoint.server, caData: endpoint.caData, token, name: def.name });
    return { ...base, kube: createKubernetesReader(kubeConfig, { log: deps.log }), kubeConfig, clusterId: def.source.resourceId };
  };

  return {
    names: () => [file.defaultCluster, ...file.clusters.map((c) => c.name).filter((n) => n !== file.defaultCluster)],
    defaultName: () => file.defaultCluster,
    connect(name) {
      const wanted = name === undefined || name === '' ? file.defaultCluster : name;
      const def = byName.get(wanted);
      if (!def) {
        return Promise.reject(
          new PullDoctorError('INVALID_INPUT', `No cluster named "${wanted}". Known clusters: ${[...byName.keys()].join(', ')}.`, {
            advice: 'Ask again on one of the known clusters.',
            // The Teams error card offers each known cluster as a button.
            facts: { cluster: wanted, knownClusters: [...byName.keys()].join(',') },
          }),
        );
      }
      let connection = connections.get(def.name);
      if (!connection) {
        // A failed connection is not cached: the next request tries again (ARM or the network may be back).
        connection = connectTo(def).catch((error: unknown) => {
          connections.delete(def.name);
          throw error;
        });
        connections.set(def.name, connection);
      }
      return connection;
    },
  };
}
