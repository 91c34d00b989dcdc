import type { TokenCredential } from '@azure/identity';
import type { Config, Env } from '../config/index.js';
import { createKubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { createClusterRegistry } from '../clusters/cluster-registry.js';
import { loadClustersFile } from '../clusters/load-clusters-file.js';
import type { Logger } from '../logging/index.js';
import { buildDiagnosisDependencies, loadConfiguredKubeConfig, type DependencyOverrides } from './diagnosis-dependencies.js';
import { registeredClusters, singleCluster, type ClusterConnections } from './cluster-connections.js';

/**
 * The configured clusters: those of the cluster file (PULLDOCTOR_CONFIG) when there is one, else the one cluster of
 * the kubeconfig (KUBECONFIG and KUBE_CONTEXT, ~/.kube/config, or the pod's service account), with Azure access from
 * AZURE_CREDENTIAL. Throws KUBECONFIG_INVALID when there is no usable kubeconfig, CONFIG_INVALID for a bad file.
 */
export function configuredCluster(config: Config, env: Env, log: Logger, overrides: DependencyOverrides & { azureCredential: TokenCredential | null }): ClusterConnections {
  if (config.clusters.configFile !== undefined) {
    const registry = createClusterRegistry(loadClustersFile(config.clusters.configFile), {
      env,
      kubernetes: config.kubernetes,
      credential: overrides.azureCredential,
      armEndpoint: config.azure.resourceManagerEndpoint,
      log,
    });
    return registeredClusters(registry, (connection) => buildDiagnosisDependencies(config, env, { connection }, log, overrides));
  }
  const kubeConfig = loadConfiguredKubeConfig(config, env);
  const kube = overrides.kube ?? createKubernetesReader(kubeConfig, { log });
  const dependencies = buildDiagnosisDependencies(config, env, {}, log, { ...overrides, kube });
  const name = kubeConfig.getCurrentContext() || kube.clusterName || 'default';
  return singleCluster({ name, kube, kubeConfig, routes: {} }, dependencies, [kubeConfig.getCurrentContext(), kube.clusterName]);
}
