import type { AlertRoute } from '../config/alert-routes.js';
import type { ClusterConnections } from './cluster-connections.js';

/** A cluster the alerts watch. */
export interface AlertCluster {
  /** Its name in alerts, routes and subscriptions. */
  name: string;
  /** What to give `ClusterConnections.connect` (undefined: the default cluster). */
  connectAs: string | undefined;
  /** The names a user may say for it ("alerts on on cluster NAME"), its own included. */
  aliases: string[];
}

/**
 * The clusters to watch: every cluster of the cluster file (PULLDOCTOR_CONFIG), by its name there; otherwise the
 * one cluster of the kubeconfig, named ALERT_CLUSTER_NAME if set, else its context's name — and known by its context
 * and cluster names too. The first one is the default (Alertmanager alerts without a `cluster` label go there).
 */
export function alertClusters(clusters: ClusterConnections, fromClusterFile: boolean, clusterName: string | undefined): AlertCluster[] {
  if (fromClusterFile) return clusters.names.map((name) => ({ name, connectAs: name, aliases: [name] }));
  const name = clusterName ?? clusters.names[0] ?? 'default';
  return [{ name, connectAs: undefined, aliases: [...new Set([name, ...clusters.names])] }];
}

/** The alert cluster a name stands for, if any. */
export function alertClusterNamed(list: readonly AlertCluster[], name: string): AlertCluster | undefined {
  return list.find((c) => c.aliases.includes(name));
}

/**
 * One cluster's static routes: those of its entry in the cluster file (`routes: { namespace or "*": conversation }`)
 * and ALERT_ROUTES; two routes for the same namespace and cluster pattern send to the conversations of both.
 */
export function alertRoutesFor(cluster: string, fileRoutes: Readonly<Record<string, string>>, configured: readonly AlertRoute[]): AlertRoute[] {
  const merged = new Map<string, AlertRoute>();
  const add = (route: AlertRoute) => {
    const key = `${route.cluster}\u0000${route.namespace}`;
    const existing = merged.get(key);
    if (existing) existing.conversations = [...new Set([...existing.conversations, ...route.conversations])];
    else merged.set(key, { cluster: route.cluster, namespace: route.namespace, conversations: [...route.conversations] });
  };
  for (const [namespace, conversation] of Object.entries(fileRoutes)) add({ cluster, namespace, conversations: [conversation] });
  for (const route of configured) add(route);
  return [...merged.values()];
}
