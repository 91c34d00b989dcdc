import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AzureReader } from '../clients/azure/azure-reader.js';
// SDK-free (type imports only): the SDKs themselves load on the first Azure call (lazyAzureCredential, lazyAzureReader).
import { cachingAzureReader, cachingCredential } from '../clients/azure/azure-cache.js';
import { loadKubeConfig } from '../clients/kubernetes/kube-config.js';
import { createKubernetesReader, type KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { createRegistryClient } from '../clients/registry/create-registry-client.js';
import type { RegistryNetwork } from '../clients/registry/registry-client.js';
import { systemRegistryNetwork } from '../clients/registry/registry-network.js';
import type { AzureConfig, Config, Env } from '../config/index.js';
import type { DiagnosisDependencies } from '../diagnosis/diagnose-pod.js';
import type { AzureAccess } from '../diagnosis/facts.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { createClusterRegistry, type ClusterConnection, type ClusterRegistry } from './cluster-registry.js';
import { loadClustersFile } from './clusters-file.js';

/** A cluster's connection and the diagnosis clients built on it (once, for the life of the process). */
export interface ConnectedCluster {
  connection: ClusterConnection;
  dependencies: DiagnosisDependencies;
}

/**
 * The clusters the bot can diagnose and watch, each with its clients built once for the life of the process (token
 * caches, connection pools), not once per question.
 */
export interface ClusterConnections {
  /** The names a chat user may give ("on cluster NAME"); the first one is the default cluster's display name. */
  readonly names: readonly string[];
  /** The clusters of a cluster file (PULLDOCTOR_CONFIG), known by their names there; else one cluster. */
  readonly fromClusterFile: boolean;
  /**
   * The named cluster (the default one when `cluster` is undefined), with clients that log through the process-wide
   * logger; callers pass their own per-turn logger to the diagnosis. PullDoctorError INVALID_INPUT for an unknown name.
   */
  connect(cluster?: string): Promise<ConnectedCluster>;
}

/** Pieces a caller may supply instead of building them from configuration (tests, the sandbox). */
export interface DependencyOverrides {
  kube?: KubernetesReader | undefined;
  azureCredential?: TokenCredential | null | undefined;
  registryNetwork?: RegistryNetwork | undefined;
}

export interface DiagnosisScope {
  /** Kubeconfig context to use (overrides KUBE_CONTEXT). */
  context?: string | undefined;
  /** AKS cluster resource id (`--cluster-id`). */
  clusterId?: string | undefined;
  /** A cluster from the cluster registry (multi-cluster): its Kubernetes client and resource id are used. */
  connection?: ClusterConnection | undefined;
}

/** The Entra audience Azure Container Registry accepts for `/oauth2/exchange` whatever its ARM-audience policy. */
export const ACR_TOKEN_SCOPE = 'https://containerregistry.azure.net/.default';

/** One cluster, known by its kubeconfig context and cluster names. */
export function singleCluster(
  connection: ClusterConnection,
  dependencies: DiagnosisDependencies,
  names: ReadonlyArray<string | undefined>,
): ClusterConnections {
  const known = [...new Set(names.filter((n): n is string => n !== undefined && n !== ''))];
  const connected: ConnectedCluster = { connection, dependencies };
  return {
    names: known,
    fromClusterFile: false,
    async connect(cluster) {
      if (cluster !== undefined && !known.includes(cluster)) {
        throw new PullDoctorError('INVALID_INPUT', `Pull Doctor has no cluster named "${cluster}".`, {
          advice:
            known.length > 0
              ? `It diagnoses ${known[0]}: ask again without "on cluster", or name ${known.join(' or ')}.`
              : 'Ask again without "on cluster".',
          facts: { cluster, knownClusters: known.join(',') },
        });
      }
      return connected;
    },
  };
}

/** The clusters of the cluster file (PULLDOCTOR_CONFIG), connected on first use; clients built once per cluster. */
export function registeredClusters(
  registry: ClusterRegistry,
  build: (connection: ClusterConnection) => DiagnosisDependencies,
): ClusterConnections {
  const built = new Map<string, ConnectedCluster>();
  return {
    names: registry.names(),
    fromClusterFile: true,
    async connect(cluster) {
      const connection = await registry.connect(cluster);
      let connected = built.get(connection.name);
      if (!connected || connected.connection !== connection) {
        connected = { connection, dependencies: build(connection) };
        built.set(connection.name, connected);
      }
      return connected;
    },
  };
}

/**
 * The configured clusters: those of the cluster file (PULLDOCTOR_CONFIG) when there is one, else the one cluster of
 * the kubeconfig (KUBECONFIG and KUBE_CONTEXT, ~/.kube/config, or the pod's service account), with Azure access from
 * AZURE_CREDENTIAL. Throws KUBECONFIG_INVALID when there is no usable kubeconfig, CONFIG_INVALID for a bad file.
 */
export function configuredClusters(
  config: Config,
  env: Env,
  log: Logger,
  overrides: DependencyOverrides & { azureCredential: TokenCredential | null },
): ClusterConnections {
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

/** The kubeconfig the configuration points at (KUBECONFIG, ~/.kube/config or in-cluster), with the context chosen. */
export function loadConfiguredKubeConfig(config: Config, env: Env, scope: DiagnosisScope = {}): KubeConfig {
  const context = scope.context ?? config.kubernetes.context;
  return loadKubeConfig({ kubeconfigPath: config.kubernetes.kubeconfig || undefined, context: context || undefined }, env);
}

/** The clients of a diagnosis: real clients built from configuration, unless overridden. */
export function buildDiagnosisDependencies(
  config: Config,
  env: Env,
  scope: DiagnosisScope,
  log: Logger,
  overrides: DependencyOverrides = {},
): DiagnosisDependencies {
  const kube = overrides.kube ?? scope.connection?.kube ?? createKubernetesReader(loadConfiguredKubeConfig(config, env, scope), { log });
  const configured = overrides.azureCredential !== undefined ? overrides.azureCredential : lazyAzureCredential(config.azure);
  // One token per resource for its lifetime, shared by every client of the diagnosis (and the bot's later ones).
  const credential = configured && cachingCredential(configured);
  const clusterId = scope.clusterId ?? scope.connection?.clusterId;
  const registry = createRegistryClient({
    network: overrides.registryNetwork ?? systemRegistryNetwork(),
    aadToken: credential ? registryTokenProvider(credential) : undefined,
    log,
  });
  return { kube, azure: azureAccessFrom(config.azure, credential, clusterId, log), registry, log };
}

/**
 * Azure access for the diagnosis from configuration and an (explicitly chosen) credential: the reader keeps
 * clusters, registries and role definitions for a few minutes (cachingAzureReader), and the ARM and ACR tokens can
 * be fetched while the pod is read (prefetchTokens).
 */
function azureAccessFrom(config: AzureConfig, credential: TokenCredential | null, clusterId: string | undefined, log: Logger): AzureAccess {
  if (!credential) {
    return {
      available: false,
      reason:
        'no Azure credential is configured (set AZURE_CREDENTIAL to cli, managed-identity, workload-identity, environment or default).',
    };
  }
  const endpoint = config.resourceManagerEndpoint.replace(/\/+$/, '');
  const access: AzureAccess = {
    available: true,
    reader: cachingAzureReader(
      lazyAzureReader(() => import('../clients/azure/azure-reader.js').then((m) => m.createAzureReader({ credential, endpoint, log }))),
    ),
    registryTokens: true,
    prefetchTokens() {
      // The scopes the SDK clients and the registry client ask for; failures surface on the real calls.
      for (const scope of [`${endpoint}/.default`, ACR_TOKEN_SCOPE]) void credential.getToken(scope).catch(() => undefined);
    },
  };
  if (config.subscriptionId) access.subscriptionId = config.subscriptionId;
  if (clusterId) access.clusterId = clusterId;
  return access;
}

/*
 * The Azure SDKs (@azure/identity and the ARM clients) load on the first Azure call, not when the clients are built:
 * unbundled they take about a second to load, bundled a few hundred milliseconds, which the CLI's first request to
 * the Kubernetes API (the pod) need not wait for. Errors of a credential that cannot be built (workload identity not
 * set up) surface at that first call, as the Azure checks' error finding.
 */

/** The credential AZURE_CREDENTIAL chooses (null for `none`), built on its first use. */
function lazyAzureCredential(config: AzureConfig): TokenCredential | null {
  if (config.credential === 'none') return null;
  let built: Promise<TokenCredential | null> | undefined;
  const credential = () => (built ??= import('../clients/azure/create-azure-credential.js').then((m) => m.createAzureCredential(config)));
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const c = await credential();
      return c ? c.getToken(scopes, options) : null;
    },
  };
}

/** An AzureReader (every member an async method) whose implementation is loaded on its first call. */
function lazyAzureReader(load: () => Promise<AzureReader>): AzureReader {
  let loaded: Promise<AzureReader> | undefined;
  return new Proxy({} as AzureReader, {
    // Only method names: not `then` (the reader is no promise) nor symbols (util.inspect).
    get: (_target, method) =>
      typeof method !== 'string' || method === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const reader = await (loaded ??= load());
            return (reader[method as keyof AzureReader] as (...a: unknown[]) => Promise<unknown>).apply(reader, args);
          },
  });
}

/** Gets our own Entra token for ACR (to check that tags exist with Pull Doctor's identity). */
function registryTokenProvider(credential: TokenCredential): () => Promise<{ token: string; tenantId?: string }> {
  return async () => {
    const token = await credential.getToken(ACR_TOKEN_SCOPE);
    if (!token)
      throw new PullDoctorError('AZURE_CREDENTIAL_UNAVAILABLE', 'The Azure credential returned no token for Azure Container Registry.');
    const tenantId = tenantOf(token.token);
    return tenantId ? { token: token.token, tenantId } : { token: token.token };
  };
}

function tenantOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
