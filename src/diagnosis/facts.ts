import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import type { AzureReader, ManagedClusterInfo, RegistryInfo } from '../clients/azure/azure-reader.js';
import type {
  DnsResult,
  ManifestResult,
  PingResult,
  RegistryClient,
  RegistryCredential,
  TagListResult,
} from '../clients/registry/registry-client.js';
import { parseImageReference, isAzureContainerRegistry, type ImageReference, type ImageReferenceParse } from './image/image-reference.js';
import { inspectPullSecret, type PullSecretIssue, type PullSecretParse } from './credentials/pull-secret.js';
import { findCredentialFor } from './credentials/keyring.js';
import { readPullAccess, type PullAccessEvaluation } from './roles/pull-access.js';
import { summarizeEvents } from './events.js';
import { clusterIn, registryIn, searchAzure, similarLoginServers, type AzureSearch } from './azure-lookup.js';
import { IMAGE_PROBLEM_KINDS } from './pod-state.js';
import { AMBIGUOUS_DENIAL, explainPullError, type PullErrorExplanation } from './pull-error.js';
import type { PodEventSummary, PodProblem } from './types.js';

/** How the diagnosis may use Azure: a reader and where to look, or why the Azure checks are skipped. */
export type AzureAccess =
  | {
      available: true;
      reader: AzureReader;
      /**
       * Subscription listed for the cluster and registries when Azure Resource Graph is denied or unavailable
       * (Resource Graph itself searches every subscription the identity can read).
       */
      subscriptionId?: string;
      /** The AKS cluster's resource id, when known (`--cluster-id` or multi-cluster configuration). */
      clusterId?: string;
      /** Whether the registry client can authenticate to ACR with our own Entra identity. */
      registryTokens: boolean;
      /** Starts fetching the tokens the diagnosis will need (ARM, ACR), so that it happens while the pod is read. */
      prefetchTokens?: () => void;
    }
  | { available: false; reason: string };

/** The result of looking something up that may legitimately be absent or not looked up at all. */
export type Lookup<T> =
  /** `note`: something the finding should say about how it was found (Azure searched in some subscriptions only). */
  | { status: 'found'; value: T; note?: string }
  /** Looked for, not there: a finding in itself. */
  | { status: 'missing'; reason: string }
  /** Not looked for (not configured, not applicable): the check is skipped with this reason. */
  | { status: 'skipped'; reason: string };

export const found = <T>(value: T, note?: string): Lookup<T> =>
  note === undefined ? { status: 'found', value } : { status: 'found', value, note };
export const missing = <T>(reason: string): Lookup<T> => ({ status: 'missing', reason });
export const skipped = <T>(reason: string): Lookup<T> => ({ status: 'skipped', reason });

/** An image a failing container tries to pull, with every failing container that uses it. */
export interface PullTarget {
  image: string;
  containers: string[];
  parse: ImageReferenceParse;
}

export interface PullSecretState {
  name: string;
  /** Where the reference comes from: the pod spec or its service account. */
  source: 'pod' | 'service-account';
  exists: boolean;
  /** When it exists: its entries, or why the kubelet cannot use it at all. */
  parse?: PullSecretParse;
  /** When it exists: entries that will not work as their author meant (keys never matched, tokens dropped…). */
  issues?: PullSecretIssue[];
}

/** The credential a manifest check uses, and a human (secret-free) description of where it came from. */
export interface CredentialChoice {
  credential: RegistryCredential;
  description: string;
}

export interface KubeletPullAccess {
  cluster: ManagedClusterInfo;
  registry: RegistryInfo;
  principalId: string;
  evaluation: PullAccessEvaluation;
}

export interface FactsSources {
  kube: KubernetesReader;
  registry: RegistryClient;
  azure: AzureAccess;
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Everything the checks need to know, each fetched at most once and only when a check asks for it. Checks run
 * concurrently; memoization makes them share the calls, so the critical path is a handful of round trips.
 */
export class DiagnosisFacts {
  readonly pullTargets: PullTarget[];

  constructor(
    readonly pod: V1Pod,
    readonly problems: readonly PodProblem[],
    private readonly sources: FactsSources,
  ) {
    this.pullTargets = collectPullTargets(problems);
  }

  get namespace(): string {
    return this.pod.metadata?.namespace ?? '';
  }

  /** Valid image references of the failing containers, one per distinct image. */
  validReferences(): ImageReference[] {
    return this.pullTargets.flatMap((t) => (t.parse.ok ? [t.parse.ref] : []));
  }

  /** Distinct registries of the failing images. */
  registries(): string[] {
    return [...new Set(this.validReferences().map((r) => r.registry))];
  }

  readonly events = once(async (): Promise<PodEventSummary[]> => {
    const name = this.pod.metadata?.name ?? '';
    const uid = this.pod.metadata?.uid;
    const events = await this.sources.kube.listPodEvents(this.namespace, uid ? { name, uid } : { name });
    return summarizeEvents(events);
  });

  /** The failing pull's message and cause (events are optional: if they cannot be read, the state message is used). */
  readonly pullError = once(async (): Promise<PullErrorExplanation | undefined> => {
    let events: PodEventSummary[] = [];
    try {
      events = await this.events();
    } catch {
      // the events check reports why they could not be read
    }
    const explanation = explainPullError(this.problems, events);
    if (explanation?.cause === 'image-not-found' && explanation.message && AMBIGUOUS_DENIAL.test(explanation.message)) {
      const ref = this.validReferences().find((r) => r.original === explanation.problem.image);
      const credential = ref ? await this.credentialFor(ref).catch(() => undefined) : undefined;
      if (ref && credential?.credential.kind === 'anonymous') {
        explanation.cause = 'unauthorized';
        explanation.ambiguity = `${ref.registry} gives the same answer for a repository that does not exist and for a private one pulled without credentials. The pod presents no credentials for ${ref.registry}, so the likelier cause is missing credentials; if the repository is public, check its name.`;
      } else if (ref && credential) {
        explanation.ambiguity = `${ref.registry} gives the same answer for a repository that does not exist and for a private one the credentials cannot read. The pod presents ${credential.description}; check the repository name and that this account may pull it.`;
      }
    }
    return explanation;
  });

  private readonly secret = memoizeAsync((name: string): Promise<V1Secret | null> => this.sources.kube.readSecret(this.namespace, name));

  /** The pod's imagePullSecrets plus its service account's, each read and parsed (values stay in memory). */
  readonly pullSecrets = once(async (): Promise<PullSecretState[]> => {
    const saName = this.pod.spec?.serviceAccountName ?? 'default';
    const podRefs = (this.pod.spec?.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
    const serviceAccount = await this.sources.kube.readServiceAccount(this.namespace, saName);
    const saRefs = (serviceAccount?.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
    const refs: Array<{ name: string; source: PullSecretState['source'] }> = [];
    for (const name of podRefs) refs.push({ name, source: 'pod' });
    for (const name of saRefs) if (!podRefs.includes(name)) refs.push({ name, source: 'service-account' });
    return Promise.all(
      refs.map(async ({ name, source }): Promise<PullSecretState> => {
        const secret = await this.secret(name);
        if (!secret) return { name, source, exists: false };
        const input: { type?: string; data?: Record<string, string> } = {};
        if (secret.type !== undefined) input.type = secret.type;
        if (secret.data !== undefined) input.data = secret.data;
        const { parse, issues } = inspectPullSecret(input);
        return { name, source, exists: true, parse, issues };
      }),
    );
  });

  readonly dns = memoizeAsync((registry: string): Promise<DnsResult> => this.sources.registry.resolve(registry));

  readonly ping = memoizeAsync((registry: string): Promise<PingResult> => this.sources.registry.ping(registry));

  /** Which credential the kubelet would present for this image, as far as we can tell. */
  async credentialFor(ref: ImageReference): Promise<CredentialChoice> {
    const azure = this.sources.azure;
    if (isAzureContainerRegistry(ref.registry) && azure.available && azure.registryTokens) {
      return {
        credential: { kind: 'azure-ad', source: "Pull Doctor's own Azure identity" },
        description: "Pull Doctor's own Azure identity",
      };
    }
    const secrets = await this.pullSecrets();
    for (const s of secrets) {
      if (!s.parse?.ok) continue;
      const entry = findCredentialFor(s.parse.entries, ref.registry, ref.repository);
      if (entry?.username !== undefined && entry.password !== undefined) {
        return {
          credential: { kind: 'basic', username: entry.username, password: entry.password, source: `secret ${s.name}` },
          description: `the pull secret "${s.name}" (entry "${entry.key}")`,
        };
      }
    }
    return { credential: { kind: 'anonymous' }, description: 'no credentials' };
  }

  readonly manifest = memoizeAsync(
    async (ref: ImageReference): Promise<{ result: ManifestResult; credential: CredentialChoice }> => {
      const credential = await this.credentialFor(ref);
      const result = await this.sources.registry.headManifest(
        { registry: ref.registry, repository: ref.repository, reference: ref.reference },
        credential.credential,
      );
      return { result, credential };
    },
    (ref) => ref.canonical,
  );

  /**
   * Where the cluster and the failing images' registries are: one Azure Resource Graph query across every readable
   * subscription (searchAzure), or the configured subscriptions listed when Resource Graph refuses. The cluster is
   * left out of the search when its resource id is known.
   */
  readonly azureSearch = once(async (): Promise<Lookup<AzureSearch>> => {
    const azure = this.sources.azure;
    if (!azure.available) return skipped(azure.reason);
    const name = this.sources.kube.clusterName;
    const search = {
      apiServerHosts: azure.clusterId ? [] : [hostOf(this.sources.kube.server)],
      clusterNames: azure.clusterId || !name ? [] : [name],
      loginServers: this.registries().filter(isAzureContainerRegistry),
    };
    const subscriptions = [...new Set([azure.subscriptionId, azure.clusterId?.split('/')[2]].flatMap((s) => (s ? [s.toLowerCase()] : [])))];
    const result = await searchAzure(azure.reader, search, subscriptions);
    return 'via' in result ? found(result) : skipped(result.fallbackReason);
  });

  /** One page of the repository's tags, read with the credential of the manifest check (after it). */
  readonly tags = memoizeAsync(
    async (ref: ImageReference): Promise<TagListResult> => {
      const { credential } = await this.manifest(ref);
      return this.sources.registry.listTags({ registry: ref.registry, repository: ref.repository }, credential.credential);
    },
    (ref) => `${ref.registry}/${ref.repository}`,
  );

  /** The AKS managed cluster this pod runs on: by resource id, else by API server host, else by name. */
  readonly cluster = once(async (): Promise<Lookup<ManagedClusterInfo>> => {
    const azure = this.sources.azure;
    if (!azure.available) return skipped(azure.reason);
    if (azure.clusterId) return found(await azure.reader.getManagedCluster(azure.clusterId));
    const search = await this.azureSearch();
    if (search.status !== 'found') return skipped(search.reason);
    const cluster = clusterIn(search.value, hostOf(this.sources.kube.server), this.sources.kube.clusterName);
    return typeof cluster === 'string' ? missing(cluster) : found(cluster, search.value.fallbackReason);
  });

  /** The Azure Container Registry whose login server is `registry`, in any subscription the identity can read. */
  readonly acrRegistry = memoizeAsync(async (registry: string): Promise<Lookup<RegistryInfo>> => {
    if (!isAzureContainerRegistry(registry)) return skipped(`${registry} is not an Azure Container Registry.`);
    const search = await this.azureSearch();
    if (search.status !== 'found') return skipped(search.reason);
    const acr = registryIn(search.value, registry);
    return typeof acr === 'string' ? missing(acr) : found(acr, search.value.fallbackReason);
  });

  /** Login servers of existing registries like `registry`, for a login server no registry has ("did you mean"). */
  readonly similarRegistries = memoizeAsync(async (registry: string): Promise<string[]> => {
    const azure = this.sources.azure;
    const search = await this.azureSearch().catch(() => undefined);
    if (!azure.available || search?.status !== 'found' || !isAzureContainerRegistry(registry)) return [];
    return similarLoginServers(azure.reader, search.value, registry);
  });

  /** Role definitions by id, read once per diagnosis whatever the number of registries and repositories. */
  private readonly roleDefinition = memoizeAsync(
    (id: string) => {
      const azure = this.sources.azure;
      if (!azure.available) return Promise.reject(new Error('Azure is not available'));
      return azure.reader.getRoleDefinition(id);
    },
    (id) => id.toLowerCase(),
  );

  /** Whether the cluster's kubelet identity can pull `repository` from the ACR behind `registry`. */
  readonly kubeletPullAccess = memoizeAsync(
    async ({ registry, repository }: { registry: string; repository: string }): Promise<Lookup<KubeletPullAccess>> => {
      const azure = this.sources.azure;
      if (!azure.available) return skipped(azure.reason);
      const [cluster, acr] = await Promise.all([this.cluster(), this.acrRegistry(registry)]);
      if (cluster.status !== 'found')
        return cluster.status === 'skipped' ? skipped(cluster.reason) : skipped(`Cannot check the kubelet identity: ${cluster.reason}`);
      if (acr.status !== 'found') return skipped(acr.reason);
      const identity = cluster.value.kubeletIdentity;
      if (!identity) {
        return missing(
          `Cluster ${cluster.value.name} has no kubelet managed identity (it uses a service principal), so role assignments cannot be checked here.`,
        );
      }
      const roles = {
        listRoleAssignmentsForPrincipal: azure.reader.listRoleAssignmentsForPrincipal.bind(azure.reader),
        getRoleDefinition: this.roleDefinition,
      };
      const evaluation = await readPullAccess(roles, { registry: acr.value, principalId: identity.objectId, repository });
      return found({ cluster: cluster.value, registry: acr.value, principalId: identity.objectId, evaluation });
    },
    (k) => `${k.registry}\u0000${k.repository}`,
  );
}

function collectPullTargets(problems: readonly PodProblem[]): PullTarget[] {
  const byImage = new Map<string, PullTarget>();
  for (const p of problems) {
    if (!IMAGE_PROBLEM_KINDS.has(p.kind) || p.image === '') continue;
    const existing = byImage.get(p.image);
    if (existing) existing.containers.push(p.container);
    else byImage.set(p.image, { image: p.image, containers: [p.container], parse: parseImageReference(p.image) });
  }
  return [...byImage.values()];
}

/**
 * Memoizes an async function by key so that checks running concurrently share one call per fact (one API
 * request per pod, per registry, per role definition...). A rejected promise stays memoized: every check that
 * needs the fact sees the same failure instead of retrying it.
 */
function memoizeAsync<K, V>(fn: (key: K) => Promise<V>, keyOf: (key: K) => string = String): (key: K) => Promise<V> {
  const cache = new Map<string, Promise<V>>();
  return (key: K) => {
    const k = keyOf(key);
    let p = cache.get(k);
    if (!p) {
      p = fn(key);
      // Avoid unhandled-rejection noise for facts nobody awaited yet; callers still see the rejection.
      p.catch(() => undefined);
      cache.set(k, p);
    }
    return p;
  };
}

export function once<V>(fn: () => Promise<V>): () => Promise<V> {
  const memo = memoizeAsync<null, V>(
    () => fn(),
    () => '',
  );
  return () => memo(null);
}
