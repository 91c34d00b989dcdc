import type { AccessToken, TokenCredential } from '@azure/identity';
import { AKS_SERVER_SCOPE } from '../../src/clusters/cluster-registry.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { sandboxCredential } from '../../src/sandbox/sandbox-identity.js';
import { testTls } from './tls.js';

export const TWO_CLUSTERS_SUBSCRIPTION = '7c6b5a49-3827-4161-9504-f3e2d1c0b9a8';
export const AKS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiI2ZGFlNDJmOCJ9.aks-server-token';
/** A crash-looping pod on prod, a healthy one on staging. */
export const PROD_POD = 'orders-5d6c7b8a9-k2l3m';
export const STAGING_POD = 'orders-7f8e9d0c1-n4p5q';

/** Pull Doctor's identity: an Entra token for the AKS server application, sandbox tokens for ARM. Counts AKS tokens. */
export function aksIdentity(expiresInMs: number): TokenCredential & { aksTokens: number } {
  const arm = sandboxCredential();
  const credential = {
    aksTokens: 0,
    async getToken(scopes: string | string[]): Promise<AccessToken | null> {
      const scope = Array.isArray(scopes) ? scopes[0] : scopes;
      if (scope === AKS_SERVER_SCOPE) {
        credential.aksTokens++;
        return { token: AKS_TOKEN, expiresOnTimestamp: Date.now() + expiresInMs, tokenType: 'Bearer' };
      }
      return arm.getToken(scopes);
    },
  };
  return credential;
}

export interface TwoAksClusters {
  arm: FakeResourceManager;
  prod: FakeKubernetesApi;
  staging: FakeKubernetesApi;
  ids: { prod: string; staging: string };
  /** The cluster file, as inline JSON for PULLDOCTOR_CONFIG (default cluster: staging). */
  clustersJson(): string;
  close(): Promise<void>;
}

/**
 * Two AKS clusters behind one fake ARM, each a fake Kubernetes API that accepts only the Entra bearer token for the
 * AKS server application (recorded as user `pull-doctor-identity`); their kubeconfigs (listClusterUserCredential)
 * carry the server URL and CA and an exec (kubelogin) user, as AKS with Entra ID returns them.
 */
export async function startTwoAksClusters(): Promise<TwoAksClusters> {
  const tls = testTls();
  const auth = { bearerTokens: [{ token: AKS_TOKEN, user: 'pull-doctor-identity' }] };
  const prod = await startFakeKubernetesApi({ tls, auth });
  const staging = await startFakeKubernetesApi({ tls, auth });
  const arm = await startFakeResourceManager({ tls });
  arm.addSubscription({ subscriptionId: TWO_CLUSTERS_SUBSCRIPTION });
  arm.addResourceGroup({ subscriptionId: TWO_CLUSTERS_SUBSCRIPTION, name: 'rg-aks' });
  const ids = { prod: '', staging: '' };
  for (const [name, api] of [
    ['prod', prod],
    ['staging', staging],
  ] as const) {
    ids[name] = arm.addManagedCluster({
      subscriptionId: TWO_CLUSTERS_SUBSCRIPTION,
      resourceGroup: 'rg-aks',
      name: `${name}-aks`,
      location: 'westeurope',
      kubeconfig: { server: api.url, caPem: tls.ca, user: { kind: 'exec' } },
    }).id;
    api.addNamespace('shop');
  }
  prod.upsertPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: PROD_POD, image: 'orders:4.1' }));
  staging.upsertPod(payloads.runningPod({ namespace: 'shop', name: STAGING_POD, image: 'orders:4.2' }));
  return {
    arm,
    prod,
    staging,
    ids,
    clustersJson: () =>
      JSON.stringify({
        defaultCluster: 'staging',
        clusters: [
          { name: 'prod', resourceId: ids.prod },
          { name: 'staging', resourceId: ids.staging },
        ],
      }),
    async close() {
      await Promise.all([arm.close(), prod.close(), staging.close()]);
    },
  };
}
