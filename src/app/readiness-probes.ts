import type { Store } from '../store/index.js';
import type { ReadinessProbe } from '../server/readiness.js';
import type { ClusterConnections } from './cluster-connections.js';

/** The namespace the Kubernetes probe reads: every cluster has it, and `get namespaces` is in the bot's RBAC. */
export const PROBE_NAMESPACE = 'default';

/**
 * What `/readyz` checks (each bounded by the server's readiness timeout):
 * - `config`: the configuration was loaded (the process does not serve otherwise; listed so the report is complete);
 * - `state-store`: the store answers (`store.ping()`);
 * - `kubernetes`: the default cluster's API server answers an authenticated, authorized call — `GET
 *   /api/v1/namespaces/default`, which needs `get` on `namespaces` (granted by infra/k8s/reader.yaml). Without a
 *   cluster, the reason it could not be set up.
 */
export function readinessProbes(options: { store: Store; clusters: ClusterConnections | undefined; noCluster?: unknown }): ReadinessProbe[] {
  const { store, clusters, noCluster } = options;
  return [
    { name: 'config', check: async () => {} },
    { name: 'state-store', check: () => store.ping() },
    {
      name: 'kubernetes',
      check: async () => {
        if (clusters === undefined) throw noCluster;
        await (await clusters.connect()).dependencies.kube.namespaceExists(PROBE_NAMESPACE);
      },
    },
  ];
}
