import type { Config, Env } from '../config/index.js';
import { createKubernetesReader } from '../clients/kubernetes/create-kubernetes-reader.js';
import type { Logger } from '../logging/index.js';
import { buildDiagnosisDependencies, loadConfiguredKubeConfig, type DependencyOverrides } from './diagnosis-dependencies.js';
import { singleCluster, type ClusterConnections } from './cluster-connections.js';

/**
 * The cluster of the configured kubeconfig (KUBECONFIG and KUBE_CONTEXT, ~/.kube/config, or the pod's service
 * account), with Azure access from AZURE_CREDENTIAL. Throws KUBECONFIG_INVALID when there is no usable kubeconfig.
 */
export function configuredCluster(config: Config, env: Env, log: Logger, overrides: DependencyOverrides = {}): ClusterConnections {
  const kubeConfig = loadConfiguredKubeConfig(config, env);
  const kube = overrides.kube ?? createKubernetesReader(kubeConfig, { log });
  const dependencies = buildDiagnosisDependencies(config, env, {}, log, { ...overrides, kube });
  return singleCluster(dependencies, [kubeConfig.getCurrentContext(), kube.clusterName]);
}
