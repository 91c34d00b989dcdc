import { ROLE_IDS } from '../diagnosis/roles/rbac.js';
import { payloads, type FakeKubernetesApi } from './kubernetes-api/index.js';
import type { FakeResourceManager } from './resource-manager/index.js';
import { sampleRepository, type RepositoryContent } from './registry/index.js';
import { SANDBOX_IDS } from './sandbox-identity.js';

const { pullErrors } = payloads;

/** What a scenario may touch while the sandbox world is built. */
export interface ScenarioContext {
  kube: FakeKubernetesApi;
  arm: FakeResourceManager;
  /** Repositories served by the fake registries, by registry host (`shopacr.azurecr.io`, `docker.io`). */
  repositories(host: string): Record<string, RepositoryContent>;
  /** Private Docker Hub repositories and who may pull them. */
  privateHubRepositories: Record<string, string[]>;
  ids: SandboxIds;
  now: Date;
}

export interface SandboxIds {
  subscriptionId: string;
  /** The hub subscription of platformhubacr (found with Resource Graph, not by listing the cluster's subscription). */
  hubSubscriptionId: string;
  tenantId: string;
  clusterId: string;
  kubeletObjectId: string;
  registryIds: Record<SandboxRegistry, string>;
}

export type SandboxRegistry = 'shopacr' | 'platformacr' | 'vaultacr' | 'lockedacr' | 'platformhubacr' | 'toolsacr';

/** One failing (or healthy) pod, set up with everything that explains it. */
export interface SandboxScenario {
  pod: string;
  namespace: string;
  /** What the pod demonstrates, for people trying the sandbox. */
  title: string;
  install(ctx: ScenarioContext): void;
}

export const SANDBOX_NAMESPACE = 'shop';
const ns = SANDBOX_NAMESPACE;

/** A repository with the sample image under the given tags (plus `latest`, `1.0`, `single`). */
export function repositoryWithTags(...tags: string[]): RepositoryContent {
  const repo = sampleRepository();
  for (const tag of tags) repo.tags[tag] = repo.tags['1.0']!;
  return repo;
}

function pullFailure(
  ctx: ScenarioContext,
  o: { name: string; image: string; pullError: string; deployment: string; imagePullSecrets?: string[]; initImage?: string },
): void {
  const pod = payloads.imagePullBackOffPod({
    namespace: ns,
    name: o.name,
    image: o.image,
    ownerDeployment: o.deployment,
    pullError: o.pullError,
    now: ctx.now,
    ...(o.imagePullSecrets ? { imagePullSecrets: o.imagePullSecrets } : {}),
  });
  ctx.kube.upsertPod(pod);
  for (const e of payloads.imagePullEvents(pod, { pullError: o.pullError, now: ctx.now })) ctx.kube.addEvent(e);
}

const DOCKER_HUB_PRIVATE = (image: string) =>
  `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;

/**
 * One pod per common cause, in namespace `shop` of the sandbox cluster `shop-aks`. Used by `npm start` (the local
 * sandbox) and by the scenario tests, so what a newcomer sees is what the tests check.
 */
export const SANDBOX_SCENARIOS: readonly SandboxScenario[] = [
  {
    pod: 'web-7d4c9b6f5-x2k8p',
    namespace: ns,
    title: 'ACR image, the kubelet identity has no AcrPull on the registry (fix offered)',
    install(ctx) {
      ctx.repositories('shopacr.azurecr.io')['shop/web'] = repositoryWithTags('2.4.1');
      const image = 'shopacr.azurecr.io/shop/web:2.4.1';
      pullFailure(ctx, { name: this.pod, image, deployment: 'web', pullError: pullErrors.anonymousUnauthorized(image) });
    },
  },
  {
    pod: 'api-6c8f7d9b4-q7r2s',
    namespace: ns,
    title: 'ACR image, AcrPull inherited from the resource group: the role is fine (no fix)',
    install(ctx) {
      ctx.repositories('platformacr.azurecr.io')['platform/api'] = repositoryWithTags('3.1.0');
      const image = 'platformacr.azurecr.io/platform/api:3.1.0';
      pullFailure(ctx, { name: this.pod, image, deployment: 'api', pullError: pullErrors.anonymousUnauthorized(image) });
    },
  },
  {
    pod: 'checkout-5b7c8d9f6-z9x8w',
    namespace: ns,
    title: 'ACR image with a tag that does not exist',
    install(ctx) {
      ctx.repositories('shopacr.azurecr.io')['shop/checkout'] = repositoryWithTags('1.2.0');
      const image = 'shopacr.azurecr.io/shop/checkout:1.3.0';
      pullFailure(ctx, { name: this.pod, image, deployment: 'checkout', pullError: pullErrors.notFound(image) });
    },
  },
  {
    pod: 'billing-7f6e5d4c3-b4c5d',
    namespace: ns,
    title: 'Private Docker Hub image and no imagePullSecret',
    install(ctx) {
      ctx.repositories('docker.io')['acme/billing'] = repositoryWithTags('2.1');
      ctx.privateHubRepositories['acme/billing'] = ['acme-ci'];
      const image = 'docker.io/acme/billing:2.1';
      pullFailure(ctx, { name: this.pod, image, deployment: 'billing', pullError: DOCKER_HUB_PRIVATE(image) });
    },
  },
  {
    pod: 'reports-8a9b0c1d2-r3s4t',
    namespace: ns,
    title: 'A pull secret exists, but for another registry (ghcr.io)',
    install(ctx) {
      ctx.repositories('docker.io')['acme/reports'] = repositoryWithTags('5.0');
      ctx.privateHubRepositories['acme/reports'] = ['acme-ci'];
      ctx.kube.upsertSecret(
        payloads.dockerConfigJsonSecret({
          namespace: ns,
          name: 'ghcr-creds',
          auths: { 'ghcr.io': { username: 'acme-ci', password: 'ghp_sandboxNotARealToken000000000000000' } },
        }),
      );
      const image = 'docker.io/acme/reports:5.0';
      pullFailure(ctx, {
        name: this.pod,
        image,
        deployment: 'reports',
        imagePullSecrets: ['ghcr-creds'],
        pullError: DOCKER_HUB_PRIVATE(image),
      });
    },
  },
  {
    pod: 'worker-6d5c4b3a2-w1x2y',
    namespace: ns,
    title: 'The imagePullSecret named by the pod does not exist',
    install(ctx) {
      ctx.repositories('docker.io')['acme/worker'] = repositoryWithTags('1.9');
      ctx.privateHubRepositories['acme/worker'] = ['acme-ci'];
      const image = 'docker.io/acme/worker:1.9';
      pullFailure(ctx, {
        name: this.pod,
        image,
        deployment: 'worker',
        imagePullSecrets: ['regcred'],
        pullError: DOCKER_HUB_PRIVATE(image),
      });
    },
  },
  {
    pod: 'frontend-9c8b7a6f5-f6g7h',
    namespace: ns,
    title: 'A typo in the registry host (shopacrr.azurecr.io does not resolve)',
    install(ctx) {
      const image = 'shopacrr.azurecr.io/shop/frontend:1.0';
      pullFailure(ctx, { name: this.pod, image, deployment: 'frontend', pullError: pullErrors.dnsNoSuchHost(image) });
    },
  },
  {
    pod: 'ledger-4e3d2c1b0-l9m8n',
    namespace: ns,
    title: "The registry's firewall refuses the cluster (403)",
    install(ctx) {
      ctx.repositories('lockedacr.azurecr.io')['finance/ledger'] = repositoryWithTags('4.2');
      const image = 'lockedacr.azurecr.io/finance/ledger:4.2';
      pullFailure(ctx, { name: this.pod, image, deployment: 'ledger', pullError: pullErrors.forbidden(image) });
    },
  },
  {
    pod: 'cache-3f2e1d0c9-c7d8e',
    namespace: ns,
    title: "Docker Hub's pull rate limit (429)",
    install(ctx) {
      ctx.repositories('docker.io')['library/redis'] = repositoryWithTags('7.2');
      const image = 'docker.io/library/redis:7.2';
      pullFailure(ctx, { name: this.pod, image, deployment: 'cache', pullError: pullErrors.rateLimited(image) });
    },
  },
  {
    pod: 'migrate-2b1a0f9e8-m3n4o',
    namespace: ns,
    title: 'An init container cannot pull its image (missing tag)',
    install(ctx) {
      ctx.repositories('shopacr.azurecr.io')['shop/migrate'] = repositoryWithTags('2.0.0');
      const image = 'shopacr.azurecr.io/shop/migrate:2.1.0';
      const pod = payloads.imagePullBackOffPod({
        namespace: ns,
        name: this.pod,
        image: 'shopacr.azurecr.io/shop/orders:1.0',
        container: 'orders',
        initContainers: [{ name: 'db-migrate', image }],
        failingContainer: 'db-migrate',
        ownerDeployment: 'migrate',
        pullError: pullErrors.notFound(image),
        now: ctx.now,
      });
      ctx.kube.upsertPod(pod);
      for (const e of payloads.imagePullEvents(pod, { container: 'db-migrate', pullError: pullErrors.notFound(image), now: ctx.now }))
        ctx.kube.addEvent(e);
    },
  },
  {
    pod: 'web-5c8d7b9f4-q4w5e',
    namespace: ns,
    title: 'A pod a rollout deleted: only its events remain (it could not pull web:2.4.0, a tag that never existed)',
    install(ctx) {
      // The previous ReplicaSet of deployment web: its pod failed to pull, then the rollout to 2.4.1 deleted it.
      // The API server keeps its events (about an hour); the pod itself is not stored.
      const image = 'shopacr.azurecr.io/shop/web:2.4.0';
      const deletedAt = new Date(ctx.now.getTime() - 4 * 60_000);
      const pod = payloads.imagePullBackOffPod({
        namespace: ns,
        name: this.pod,
        image,
        container: 'web',
        ownerDeployment: 'web',
        pullError: pullErrors.notFound(image),
        now: deletedAt,
      });
      for (const e of payloads.imagePullEvents(pod, { pullError: pullErrors.notFound(image), now: deletedAt })) ctx.kube.addEvent(e);
    },
  },
  {
    pod: 'vault-agent-5a6b7c8d9-v0w1x',
    namespace: ns,
    title: 'ABAC-mode registry: AcrPull is not honoured (fix offers Container Registry Repository Reader)',
    install(ctx) {
      ctx.repositories('vaultacr.azurecr.io')['secure/vault-agent'] = repositoryWithTags('1.15');
      ctx.arm.addRoleAssignment({
        scope: ctx.ids.registryIds.vaultacr,
        roleDefinitionId: acrPullId(ctx),
        principalId: ctx.ids.kubeletObjectId,
        principalType: 'ServicePrincipal',
      });
      const image = 'vaultacr.azurecr.io/secure/vault-agent:1.15';
      pullFailure(ctx, { name: this.pod, image, deployment: 'vault-agent', pullError: pullErrors.anonymousUnauthorized(image) });
    },
  },
  {
    pod: 'payments-5d6e7f8a9-p1q2r',
    namespace: ns,
    title: 'ACR image from a registry in the hub subscription, where the kubelet identity has no AcrPull (fix offered there)',
    install(ctx) {
      ctx.repositories('platformhubacr.azurecr.io')['platform/payments'] = repositoryWithTags('2.3.0');
      const image = 'platformhubacr.azurecr.io/platform/payments:2.3.0';
      pullFailure(ctx, { name: this.pod, image, deployment: 'payments', pullError: pullErrors.anonymousUnauthorized(image) });
    },
  },
  {
    pod: 'inventory-3a4b5c6d7-i8j9k',
    namespace: ns,
    title: "ACR image, the kubelet identity's custom role excludes pull (notActions): the fix offers AcrPull",
    install(ctx) {
      ctx.repositories('toolsacr.azurecr.io')['tools/inventory'] = repositoryWithTags('1.4.2');
      // A role the platform team wrote for "managing" registries: everything of ACR except pushing and pulling images.
      const role = ctx.arm.addRoleDefinition({
        roleName: 'Registry Operator',
        description: 'Manage container registries in rg-tools, without image push or pull.',
        assignableScopes: [`/subscriptions/${ctx.ids.subscriptionId}/resourceGroups/rg-tools`],
        permissions: [
          {
            actions: ['Microsoft.ContainerRegistry/*'],
            notActions: ['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write'],
          },
        ],
      });
      ctx.arm.addRoleAssignment({
        scope: `/subscriptions/${ctx.ids.subscriptionId}/resourceGroups/rg-tools`,
        roleDefinitionId: `/subscriptions/${ctx.ids.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.guid}`,
        principalId: ctx.ids.kubeletObjectId,
        principalType: 'ServicePrincipal',
      });
      const image = 'toolsacr.azurecr.io/tools/inventory:1.4.2';
      pullFailure(ctx, { name: this.pod, image, deployment: 'inventory', pullError: pullErrors.anonymousUnauthorized(image) });
    },
  },
  {
    pod: 'search-1c2d3e4f5-s6t7u',
    namespace: ns,
    title: 'An invalid image name (uppercase repository)',
    install(ctx) {
      const image = 'shopacr.azurecr.io/Shop/Search:1.0';
      const pod = payloads.invalidImageNamePod({ namespace: ns, name: this.pod, image, ownerDeployment: 'search', now: ctx.now });
      ctx.kube.upsertPod(pod);
    },
  },
  {
    pod: 'orders-6f7a8b9c0-o1p2q',
    namespace: ns,
    title: 'CrashLoopBackOff after OOMKilled (not a pull problem)',
    install(ctx) {
      const pod = payloads.crashLoopBackOffPod({
        namespace: ns,
        name: this.pod,
        image: 'shopacr.azurecr.io/shop/orders:1.0',
        ownerDeployment: 'orders',
        now: ctx.now,
      });
      ctx.kube.upsertPod(pod);
      for (const e of payloads.crashLoopEvents(pod, { now: ctx.now })) ctx.kube.addEvent(e);
    },
  },
  {
    pod: 'analytics-0d9c8b7a6-a5b4c',
    namespace: ns,
    title: 'Pending: no node has room for the pod',
    install(ctx) {
      const pod = payloads.unschedulablePod({
        namespace: ns,
        name: this.pod,
        image: 'shopacr.azurecr.io/shop/analytics:1.0',
        ownerDeployment: 'analytics',
        now: ctx.now,
      });
      ctx.kube.upsertPod(pod);
      ctx.kube.addEvent(payloads.failedSchedulingEvent(pod, { now: ctx.now }));
    },
  },
  {
    pod: 'storefront-7b8c9d0e1-h2i3j',
    namespace: ns,
    title: 'A healthy pod',
    install(ctx) {
      ctx.repositories('shopacr.azurecr.io')['shop/storefront'] = repositoryWithTags('3.0');
      ctx.kube.upsertPod(
        payloads.runningPod({
          namespace: ns,
          name: this.pod,
          image: 'shopacr.azurecr.io/shop/storefront:3.0',
          ownerDeployment: 'storefront',
          now: ctx.now,
        }),
      );
    },
  },
];

function acrPullId(ctx: ScenarioContext): string {
  return `/subscriptions/${ctx.ids.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`;
}

export { SANDBOX_IDS };
