import type { V1Pod } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { failingPodsReport, listFailingPods, type FailingPodsReport } from '../diagnosis/failing-pods.js';
import { describeError, type ErrorAdvice } from '../errors/index.js';
import type { SubscriptionScope, SubscriptionStatus } from './routing.js';

// What is failing now where a conversation's alerts come from: the answer to `alerts on` and `alerts status` besides
// the subscription itself, so that "alerts are on" never reads as "all clear" while pods are already broken (an
// alert is posted for a failure that starts after the subscription; what was failing before is listed here).

/** Clusters listed at most for one answer (each costs a list call or a few). */
export const FAILING_NOW_MAX_CLUSTERS = 5;
/** Namespaces listed one by one at most; past this a cluster's pods are listed at once and filtered. */
const MAX_NAMESPACE_LISTS = 5;

/** Which namespaces of one cluster to list: every one, or these. */
export type NamespacesToList = 'all' | string[];

/** What was listed for one cluster: the failing pods grouped by workload, or why they could not be listed (data, not a crash). */
export interface FailingNow {
  /** The cluster's name in alerts. */
  cluster: string;
  namespaces: NamespacesToList;
  /** Namespaces the conversation's scopes name that the alert watcher does not watch (ALERT_NAMESPACES, the cluster file). */
  unwatched: string[];
  report?: FailingPodsReport;
  error?: ErrorAdvice;
}

/** A cluster alerts watch, as `failingNow` needs it: its names, and a way to reach it with the namespaces it watches. */
export interface FailingNowCluster {
  name: string;
  aliases: readonly string[];
  connect(): Promise<{ kube: KubernetesReader; watched: readonly string[] }>;
}

/**
 * Where the conversation's alerts come from, as scopes: its `alerts on` scopes and the static routes that lead here
 * (`*` for any). Pure.
 */
export function scopesOf(status: SubscriptionStatus): SubscriptionScope[] {
  const fromRoutes = status.staticRoutes.map((route) => {
    const scope: SubscriptionScope = {};
    if (route.cluster !== '*') scope.cluster = route.cluster;
    if (route.namespace !== '*') scope.namespace = route.namespace;
    return scope;
  });
  return [...status.scopes, ...fromRoutes];
}

/**
 * The namespaces of one cluster that the scopes cover, within what the watcher watches (`watched` empty: every
 * namespace); undefined when no scope covers the cluster. Pure.
 */
export function namespacesToList(
  scopes: readonly SubscriptionScope[],
  cluster: { aliases: readonly string[] },
  watched: readonly string[],
): { namespaces: NamespacesToList; unwatched: string[] } | undefined {
  const covering = scopes.filter((s) => s.cluster === undefined || cluster.aliases.includes(s.cluster));
  if (covering.length === 0) return undefined;
  if (covering.some((s) => s.namespace === undefined)) return { namespaces: watched.length > 0 ? [...watched] : 'all', unwatched: [] };
  const named = [...new Set(covering.map((s) => s.namespace!))].sort();
  if (watched.length === 0) return { namespaces: named, unwatched: [] };
  return { namespaces: named.filter((n) => watched.includes(n)), unwatched: named.filter((n) => !watched.includes(n)) };
}

/**
 * Lists what is failing now, cluster by cluster (at most FAILING_NOW_MAX_CLUSTERS, concurrently), in the namespaces
 * the conversation's alerts cover: one list call for one namespace or all of them, one per namespace up to five,
 * else one for the whole cluster, filtered. Read from the pods' status alone (no diagnosis per pod). A cluster that
 * cannot be listed is reported with the reason.
 */
export async function failingNow(
  status: SubscriptionStatus,
  clusters: readonly FailingNowCluster[],
  now: () => Date,
): Promise<FailingNow[]> {
  const scopes = scopesOf(status);
  const planned = clusters
    .map((cluster) => ({ cluster, plan: namespacesToList(scopes, cluster, []) }))
    .filter((p) => p.plan !== undefined)
    .slice(0, FAILING_NOW_MAX_CLUSTERS);
  return Promise.all(planned.map(({ cluster }) => listCluster(cluster, scopes, now)));
}

async function listCluster(cluster: FailingNowCluster, scopes: readonly SubscriptionScope[], now: () => Date): Promise<FailingNow> {
  let result: FailingNow = { cluster: cluster.name, namespaces: [], unwatched: [] };
  try {
    const { kube, watched } = await cluster.connect();
    const { namespaces, unwatched } = namespacesToList(scopes, cluster, watched)!;
    result = { cluster: cluster.name, namespaces, unwatched };
    if (namespaces !== 'all' && namespaces.length === 0) return result;
    result.report = await listNamespaces(kube, cluster.name, namespaces, now);
  } catch (error) {
    result.error = describeError(error);
  }
  return result;
}

async function listNamespaces(
  kube: KubernetesReader,
  cluster: string,
  namespaces: NamespacesToList,
  now: () => Date,
): Promise<FailingPodsReport> {
  if (namespaces === 'all') return listFailingPods(kube, { cluster }, { now });
  if (namespaces.length === 1) return listFailingPods(kube, { cluster, namespace: namespaces[0] }, { now });
  let pods: V1Pod[];
  if (namespaces.length <= MAX_NAMESPACE_LISTS) pods = (await Promise.all(namespaces.map((n) => kube.listPods(n)))).flat();
  else pods = (await kube.listPodsInAllNamespaces()).filter((p) => namespaces.includes(p.metadata?.namespace ?? ''));
  return failingPodsReport(pods, { cluster }, { now: now() });
}
