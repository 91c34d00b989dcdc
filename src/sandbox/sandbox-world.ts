import type { TokenCredential } from '@azure/identity';
import type { RegistryNetwork } from '../clients/registry/registry-client.js';
import { ROLE_IDS } from '../diagnosis/roles/rbac.js';
import type { StaticHostMap } from '../clients/registry/registry-network.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from './kubernetes-api/index.js';
import { startFakeResourceManager, type FakeResourceManager } from './resource-manager/index.js';
import { startFakeRegistryServer, type FakeRegistryServer, type RepositoryContent } from './registry/index.js';
import { SANDBOX_IDS, sandboxCredential } from './sandbox-identity.js';
import {
  SANDBOX_NAMESPACE,
  SANDBOX_SCENARIOS,
  type SandboxIds,
  type SandboxRegistry,
  type SandboxScenario,
  type ScenarioContext,
} from './sandbox-scenarios.js';

export interface SandboxWorldOptions {
  /** Server certificate (covering 127.0.0.1 and *.azurecr.io, docker.io hosts) and the CA that signed it. */
  tls: { cert: string; key: string; ca: string };
  /** Per-request latency of every fake server (for the benchmark). */
  latencyMs?: number;
  /** More registry hosts to map (e.g. a real docker-registry in tests). */
  extraHosts?: StaticHostMap;
  scenarios?: readonly SandboxScenario[];
  now?: Date;
}

/** The whole sandbox: a fake AKS cluster's API, a fake Azure Resource Manager and fake registries, wired together. */
export interface SandboxWorld {
  kube: FakeKubernetesApi;
  arm: FakeResourceManager;
  registries: FakeRegistryServer;
  /** Kubeconfig (YAML) for the fake cluster `shop-aks`, with a bearer token. */
  kubeconfigYaml: string;
  /** Pull Doctor's sandbox identity. */
  credential: TokenCredential;
  network: RegistryNetwork;
  ids: SandboxIds;
  /** Environment for `parseConfig`: the fake ARM endpoint and the sandbox subscription. */
  env: Record<string, string>;
  scenarios: readonly SandboxScenario[];
  /** Sets the latency of every fake server at once. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const KUBE_TOKEN = 'sandbox-kubernetes-token';

export async function startSandboxWorld(options: SandboxWorldOptions): Promise<SandboxWorld> {
  const now = options.now ?? new Date();
  const { tenantId, subscriptionId, hubSubscriptionId } = SANDBOX_IDS;
  const kube = await startFakeKubernetesApi({ tls: options.tls, auth: { bearerTokens: [KUBE_TOKEN] }, latencyMs: options.latencyMs });
  const arm = await startFakeResourceManager({ tls: options.tls, tenantId, latencyMs: options.latencyMs });
  try {
    arm.addSubscription({ subscriptionId, displayName: 'Sandbox' });
    arm.addResourceGroup({ subscriptionId, name: 'rg-shop', location: 'westeurope' });
    arm.addResourceGroup({ subscriptionId, name: 'rg-platform', location: 'westeurope' });
    arm.addResourceGroup({ subscriptionId, name: 'rg-tools', location: 'westeurope' });
    // The platform team's hub: a second subscription with a shared registry (found with Resource Graph).
    arm.addSubscription({ subscriptionId: hubSubscriptionId, displayName: 'Platform hub' });
    arm.addResourceGroup({ subscriptionId: hubSubscriptionId, name: 'rg-platform-hub', location: 'westeurope' });
    arm.addPrincipal({ objectId: SANDBOX_IDS.kubeletObjectId, principalType: 'ServicePrincipal' });
    arm.addPrincipal({ objectId: SANDBOX_IDS.pullDoctorObjectId, principalType: 'ServicePrincipal' });
    const cluster = arm.addManagedCluster({
      subscriptionId,
      resourceGroup: 'rg-shop',
      name: 'shop-aks',
      location: 'westeurope',
      dnsPrefix: 'shop-aks-dns',
      kubeletIdentity: { objectId: SANDBOX_IDS.kubeletObjectId, clientId: SANDBOX_IDS.kubeletClientId },
      kubeconfig: { server: kube.url, caPem: options.tls.ca },
    });
    const registry = (
      name: SandboxRegistry,
      resourceGroup: string,
      more: Partial<Parameters<FakeResourceManager['addRegistry']>[0]> = {},
    ) => arm.addRegistry({ subscriptionId, resourceGroup, name, location: 'westeurope', sku: 'Premium', ...more }).id;
    const registryIds: Record<SandboxRegistry, string> = {
      shopacr: registry('shopacr', 'rg-shop', { sku: 'Standard' }),
      platformacr: registry('platformacr', 'rg-platform'),
      vaultacr: registry('vaultacr', 'rg-shop', { roleAssignmentMode: 'AbacRepositoryPermissions' }),
      lockedacr: registry('lockedacr', 'rg-shop', {
        location: 'northeurope',
        networkRuleSet: { defaultAction: 'Deny', ipRules: ['203.0.113.0/24'] },
      }),
      platformhubacr: registry('platformhubacr', 'rg-platform-hub', { subscriptionId: hubSubscriptionId }),
      toolsacr: registry('toolsacr', 'rg-tools', { sku: 'Standard' }),
    };
    const acrPull = `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`;
    // The kubelet identity: AcrPull inherited from rg-platform, and on lockedacr (whose firewall blocks it anyway).
    arm.addRoleAssignment({
      scope: `/subscriptions/${subscriptionId}/resourceGroups/rg-platform`,
      roleDefinitionId: acrPull,
      principalId: SANDBOX_IDS.kubeletObjectId,
      principalType: 'ServicePrincipal',
    });
    arm.addRoleAssignment({
      scope: registryIds.lockedacr,
      roleDefinitionId: acrPull,
      principalId: SANDBOX_IDS.kubeletObjectId,
      principalType: 'ServicePrincipal',
    });
    // Pull Doctor's identity reads every registry (to check that tags exist).
    for (const id of Object.values(registryIds)) {
      arm.addRoleAssignment({
        scope: id,
        roleDefinitionId: acrPull,
        principalId: SANDBOX_IDS.pullDoctorObjectId,
        principalType: 'ServicePrincipal',
      });
    }

    kube.addNamespace(SANDBOX_NAMESPACE);
    kube.upsertServiceAccount(payloads.serviceAccount({ namespace: SANDBOX_NAMESPACE, name: 'default' }));

    const repositories = new Map<string, Record<string, RepositoryContent>>();
    const privateHubRepositories: Record<string, string[]> = {};
    const ids: SandboxIds = {
      subscriptionId,
      hubSubscriptionId,
      tenantId,
      clusterId: cluster.id,
      kubeletObjectId: SANDBOX_IDS.kubeletObjectId,
      registryIds,
    };
    const ctx: ScenarioContext = {
      kube,
      arm,
      repositories(host) {
        let r = repositories.get(host);
        if (!r) repositories.set(host, (r = {}));
        return r;
      },
      privateHubRepositories,
      ids,
      now,
    };
    const scenarios = options.scenarios ?? SANDBOX_SCENARIOS;
    for (const s of scenarios) s.install(ctx);

    const pullers = new Set([SANDBOX_IDS.pullDoctorObjectId]);
    const registries = await startFakeRegistryServer({
      tls: options.tls,
      acr: (Object.keys(registryIds) as SandboxRegistry[]).map((name) => ({
        name,
        pullers,
        tenantId,
        repositories: ctx.repositories(`${name}.azurecr.io`),
        ...(name === 'lockedacr' ? { firewall: { allowedIps: ['203.0.113.0/24'], clientIp: '198.51.100.7' } } : {}),
      })),
      dockerHub: {
        users: [{ username: 'acme-ci', password: 'sandbox-hub-password' }],
        repositories: ctx.repositories('docker.io'),
        privateRepositories: privateHubRepositories,
      },
    });

    const world: SandboxWorld = {
      kube,
      arm,
      registries,
      kubeconfigYaml: kube.kubeconfig({ token: KUBE_TOKEN, clusterName: 'shop-aks', contextName: 'shop-aks' }),
      credential: sandboxCredential(),
      network: registries.network(options.extraHosts),
      ids,
      env: { AZURE_RESOURCE_MANAGER_ENDPOINT: arm.url, AZURE_SUBSCRIPTION_ID: subscriptionId, AZURE_TENANT_ID: tenantId },
      scenarios,
      setLatency(ms) {
        kube.latencyMs = ms;
        arm.latencyMs = ms;
        registries.latencyMs = ms;
      },
      async close() {
        await Promise.all([kube.close(), arm.close(), registries.close()]);
      },
    };
    return world;
  } catch (error) {
    await Promise.all([kube.close(), arm.close()]);
    throw error;
  }
}
