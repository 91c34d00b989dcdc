import type { TokenCredential } from '@azure/identity';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Config, Env } from '../config/index.js';
import { loadKubeConfig } from '../clients/kubernetes/kube-config.js';
import { createKubernetesReader, type KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { createAzureCredential } from '../clients/azure/create-azure-credential.js';
import { createRegistryClient } from '../clients/registry/create-registry-client.js';
import { systemRegistryNetwork } from '../clients/registry/registry-network.js';
import type { RegistryNetwork } from '../clients/registry/registry-client.js';
import type { DiagnosisDependencies } from '../diagnosis/diagnose-pod.js';
import type { Logger } from '../logging/index.js';
import { azureAccessFrom } from './azure-access-from-config.js';
import { registryTokenProvider } from './registry-token-provider.js';
import type { ClusterConnection } from '../clusters/cluster-registry.js';

/** Pieces a caller may supply instead of building them from configuration (tests, the sandbox). */
export interface DependencyOverrides {
  kube?: KubernetesReader;
  azureCredential?: TokenCredential | null;
  registryNetwork?: RegistryNetwork;
}

export interface DiagnosisScope {
  /** Kubeconfig context to use (overrides KUBE_CONTEXT). */
  context?: string;
  /** AKS cluster resource id (`--cluster-id`). */
  clusterId?: string;
  /** A cluster from the cluster registry (multi-cluster): its Kubernetes client and resource id are used. */
  connection?: ClusterConnection;
}

/** The kubeconfig the configuration points at (KUBECONFIG, ~/.kube/config or in-cluster), with the context chosen. */
export function loadConfiguredKubeConfig(config: Config, env: Env, scope: DiagnosisScope = {}): KubeConfig {
  const context = scope.context ?? config.kubernetes.context;
  return loadKubeConfig({ ...(config.kubernetes.kubeconfig ? { kubeconfigPath: config.kubernetes.kubeconfig } : {}), ...(context ? { context } : {}) }, env);
}

/** The composition root of a diagnosis: real clients built from configuration, unless overridden. */
export function buildDiagnosisDependencies(config: Config, env: Env, scope: DiagnosisScope, log: Logger, overrides: DependencyOverrides = {}): DiagnosisDependencies {
  const kube = overrides.kube ?? scope.connection?.kube ?? createKubernetesReader(loadConfiguredKubeConfig(config, env, scope), { log });
  const credential = overrides.azureCredential !== undefined ? overrides.azureCredential : createAzureCredential(config.azure);
  const clusterId = scope.clusterId ?? scope.connection?.clusterId;
  const azure = azureAccessFrom(config.azure, credential, { log, ...(clusterId ? { clusterId } : {}) });
  const registry = createRegistryClient({
    network: overrides.registryNetwork ?? systemRegistryNetwork(),
    ...(credential ? { aadToken: registryTokenProvider(credential) } : {}),
    log,
  });
  return { kube, azure, registry, log };
}
