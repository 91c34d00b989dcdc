import type { Config } from '../config/index.js';
import { createKubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { loadKubeConfig } from '../clients/kubernetes/kube-config.js';
import type { Logger } from '../logging/index.js';
import type { SandboxWorld } from '../sandbox/sandbox-world.js';
import { buildDiagnosisDependencies } from './diagnosis-dependencies.js';
import { singleCluster, type ClusterConnections } from './cluster-connections.js';

/**
 * The sandbox's cluster `shop-aks`, diagnosed through the real clients: its kubeconfig, the fake ARM endpoint and
 * subscription, the sandbox identity as the Azure credential, and the fake registries as the registry network.
 */
export function sandboxCluster(world: SandboxWorld, config: Config, log: Logger): ClusterConnections {
  const azure = { ...config.azure, resourceManagerEndpoint: world.arm.url, subscriptionId: world.ids.subscriptionId, tenantId: world.ids.tenantId };
  const kubeConfig = loadKubeConfig({ kubeconfigYaml: world.kubeconfigYaml });
  const kube = createKubernetesReader(kubeConfig, { log });
  const dependencies = buildDiagnosisDependencies({ ...config, azure }, {}, {}, log, { kube, azureCredential: world.credential, registryNetwork: world.network });
  return singleCluster({ name: 'shop-aks', kube, kubeConfig, clusterId: world.ids.clusterId, routes: {} }, dependencies, [kubeConfig.getCurrentContext(), kube.clusterName]);
}
