import type { V1Pod } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { ManagedClusterInfo, RegistryInfo, RoleAssignmentInfo } from '../../src/clients/azure/azure-reader.js';
import type { CheckContext } from '../../src/diagnosis/check.js';
import { DiagnosisFacts, type FactsSources, type KubeletPullAccess } from '../../src/diagnosis/facts.js';
import type { ImageReference } from '../../src/diagnosis/image/image-reference.js';
import { analyzePodState } from '../../src/diagnosis/pod-state.js';
import type { PullErrorExplanation } from '../../src/diagnosis/pull-error.js';
import { ROLE_IDS } from '../../src/diagnosis/roles/rbac.js';
import type { Cause, DiagnosisTarget } from '../../src/diagnosis/types.js';
import { silentLogger } from '../../src/logging/index.js';
import type { WirePod } from '../../src/sandbox/kubernetes-api/index.js';

type Fact<K extends keyof DiagnosisFacts> = DiagnosisFacts[K] extends (...args: never[]) => Promise<infer V> ? V : never;

/**
 * The facts a check asks for, written by hand: a value, or an Error for a fact that could not be read (the call
 * rejects with it). Facts about a registry are keyed by registry host, the manifest by the image's canonical
 * reference, the kubelet's pull access by registry host.
 */
export interface FactsStub {
  events?: Fact<'events'> | Error;
  /** `undefined` is a value here: no pull problem to explain. */
  pullError?: Fact<'pullError'> | Error;
  pullSecrets?: Fact<'pullSecrets'> | Error;
  cluster?: Fact<'cluster'> | Error;
  dns?: Record<string, Fact<'dns'> | Error>;
  ping?: Record<string, Fact<'ping'> | Error>;
  manifest?: Record<string, Fact<'manifest'> | Error>;
  acrRegistry?: Record<string, Fact<'acrRegistry'> | Error>;
  similarRegistries?: Record<string, Fact<'similarRegistries'> | Error>;
  kubeletPullAccess?: Record<string, Fact<'kubeletPullAccess'> | Error>;
}

/** No check may reach a client: every fact comes from the stub. */
const NO_SOURCES = new Proxy({} as FactsSources, {
  get: (_target, client) => {
    throw new Error(`a check unit test does no I/O, but the facts asked the ${String(client)} client`);
  },
});

function settle<V>(value: V | Error): Promise<V> {
  return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
}

function notGiven(name: string, key?: string): Promise<never> {
  return Promise.reject(
    new Error(`the check asked for the fact ${name}${key === undefined ? '' : `(${key})`}, which the test did not give`),
  );
}

/**
 * A CheckContext for one check's unit test: the pod (a realistic payload, as the API server sends it) is analysed
 * and its images parsed as in a diagnosis, and every fact that would need a client comes from `stub`. A fact the
 * test did not give rejects with an error naming it, so a check that asks for more than the test expects fails.
 */
/** A pod payload as the API server sends it, deserialized as @kubernetes/client-node would (times become Dates). */
export function asV1Pod(pod: WirePod | V1Pod): V1Pod {
  return ObjectSerializer.deserialize(JSON.parse(JSON.stringify(pod)), 'V1Pod', '') as V1Pod;
}

export function checkContext(pod: WirePod | V1Pod, stub: FactsStub = {}, target: Partial<DiagnosisTarget> = {}): CheckContext {
  const v1 = pod as V1Pod;
  const analysis = analyzePodState(v1);
  const facts = new DiagnosisFacts(v1, analysis.problems, NO_SOURCES);
  const one =
    <K extends 'events' | 'pullError' | 'pullSecrets' | 'cluster'>(name: K) =>
    () =>
      Object.hasOwn(stub, name) ? settle(stub[name] as Fact<K> | Error) : notGiven(name);
  const keyed =
    <K extends 'dns' | 'ping' | 'manifest' | 'acrRegistry' | 'similarRegistries' | 'kubeletPullAccess', A>(
      name: K,
      keyOf: (arg: A) => string,
    ) =>
    (arg: A) => {
      const key = keyOf(arg);
      const table = stub[name] as Record<string, Fact<K> | Error> | undefined;
      return table !== undefined && Object.hasOwn(table, key) ? settle(table[key]!) : notGiven(name, key);
    };
  Object.assign(facts, {
    events: one('events'),
    pullError: one('pullError'),
    pullSecrets: one('pullSecrets'),
    cluster: one('cluster'),
    dns: keyed('dns', (registry: string) => registry),
    ping: keyed('ping', (registry: string) => registry),
    manifest: keyed('manifest', (ref: ImageReference) => ref.canonical),
    acrRegistry: keyed('acrRegistry', (registry: string) => registry),
    similarRegistries: keyed('similarRegistries', (registry: string) => registry),
    kubeletPullAccess: keyed('kubeletPullAccess', (k: { registry: string; repository: string }) => k.registry),
    credentialFor: (ref: ImageReference) => notGiven('credentialFor', ref.canonical),
  });
  return {
    target: { pod: v1.metadata?.name ?? '', namespace: v1.metadata?.namespace ?? '', ...target },
    analysis,
    facts,
    log: silentLogger(),
  };
}

// ---- Realistic values for the facts: the shop cluster and its registry, as ARM describes them ----

export const SUBSCRIPTION = '3b8e1f2a-6c4d-4e5f-9a0b-1c2d3e4f5a6b';
export const KUBELET_OBJECT_ID = 'a7c3e9f1-2b4d-4c6e-8f0a-1b3d5f7a9c2e';

export function shopCluster(overrides: Partial<ManagedClusterInfo> = {}): ManagedClusterInfo {
  return {
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/shop-aks`,
    name: 'shop-aks',
    resourceGroup: 'rg-shop',
    subscriptionId: SUBSCRIPTION,
    location: 'westeurope',
    fqdn: 'shop-aks-dns-4f1c2b3a.hcp.westeurope.azmk8s.io',
    kubeletIdentity: {
      objectId: KUBELET_OBJECT_ID,
      clientId: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
      resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-shop_shop-aks_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-aks-agentpool`,
    },
    powerState: 'Running',
    provisioningState: 'Succeeded',
    ...overrides,
  };
}

export function shopAcr(overrides: Partial<RegistryInfo> = {}): RegistryInfo {
  return {
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`,
    name: 'shopacr',
    resourceGroup: 'rg-shop',
    subscriptionId: SUBSCRIPTION,
    location: 'westeurope',
    loginServer: 'shopacr.azurecr.io',
    sku: 'Premium',
    publicNetworkAccess: 'Enabled',
    networkDefaultAction: 'Allow',
    ipRules: [],
    privateEndpointConnections: [],
    ...overrides,
  };
}

/** A role assignment of the kubelet identity, as ARM lists it. */
export function kubeletAssignment(
  role: keyof typeof ROLE_IDS,
  scope: string,
  overrides: Partial<RoleAssignmentInfo> = {},
): RoleAssignmentInfo {
  const name = '6f2d4b8a-1c3e-4a5b-9d7f-2e4c6a8b0d1f';
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS[role]}`,
    principalId: KUBELET_OBJECT_ID,
    principalType: 'ServicePrincipal',
    ...overrides,
  };
}

/** What DiagnosisFacts.kubeletPullAccess finds: the cluster, the registry and the evaluation of the kubelet's roles. */
export function kubeletPullAccess(
  evaluation: KubeletPullAccess['evaluation'],
  registry = shopAcr(),
  cluster = shopCluster(),
): KubeletPullAccess {
  return { cluster, registry, principalId: KUBELET_OBJECT_ID, evaluation };
}

/** The failing pull of the pod's first image problem, as DiagnosisFacts.pullError explains it. */
export function pullErrorOf(
  pod: WirePod | V1Pod,
  cause: Cause,
  more: { message?: string; source?: PullErrorExplanation['source']; ambiguity?: string } = {},
): PullErrorExplanation {
  const problem = analyzePodState(asV1Pod(pod)).problems[0];
  if (problem === undefined) throw new Error('pullErrorOf: the pod has no image problem');
  const explanation: PullErrorExplanation = { problem, cause, source: more.source ?? (more.message === undefined ? 'none' : 'event') };
  if (more.message !== undefined) explanation.message = more.message;
  if (more.ambiguity !== undefined) explanation.ambiguity = more.ambiguity;
  return explanation;
}
