/**
 * Where the pod's AKS cluster and its images' registries are in Azure: one Azure Resource Graph query across every
 * subscription Pull Doctor's identity can read (the cluster by API server host or name, the registries by login
 * server). When Resource Graph is denied or unavailable, the configured subscription (AZURE_SUBSCRIPTION_ID, and
 * the cluster's when its id is known) is listed instead, and every finding that relies on it says why.
 */
import type { AzureReader, ManagedClusterInfo, RegistryInfo, RegistrySummary, ResourceSearch } from '../clients/azure/azure-reader.js';
import { isPullDoctorError, type PullDoctorError } from '../errors/index.js';
import { similarNames } from './nearest.js';

/** What a search found, and how far it looked. */
export interface AzureSearch {
  clusters: ManagedClusterInfo[];
  registries: RegistryInfo[];
  /** `resource-graph`: every subscription the identity can read; else only `subscriptions` were listed. */
  via: 'resource-graph' | 'subscriptions';
  subscriptions: string[];
  /** Why only some subscriptions were searched (Resource Graph's refusal), for the findings. */
  fallbackReason?: string;
}

/** Failures of Resource Graph after which listing the subscriptions one by one may still work. */
const FALL_BACK_ON = new Set(['AZURE_FORBIDDEN', 'AZURE_NOT_FOUND', 'AZURE_THROTTLED', 'AZURE_API_ERROR']);

function graphRefusal(error: PullDoctorError): string {
  const code = typeof error.facts.armCode === 'string' ? error.facts.armCode : error.code;
  const what =
    error.code === 'AZURE_FORBIDDEN' ? 'denied the query' : error.code === 'AZURE_THROTTLED' ? 'throttled the query' : 'could not answer';
  return `Azure Resource Graph ${what} (${code})`;
}

/**
 * Resource Graph first; on a refusal it may not repeat (403, 404, 429, 5xx, a query it rejects), the subscriptions
 * in `subscriptions` are listed instead (clusters only when the search asks for one). Credential failures are thrown:
 * listing would fail the same way. Returns undefined when Resource Graph failed and there is no subscription to list.
 */
export async function searchAzure(
  reader: AzureReader,
  search: ResourceSearch,
  subscriptions: string[],
): Promise<AzureSearch | { fallbackReason: string }> {
  try {
    const found = await reader.findResources(search);
    return { ...found, via: 'resource-graph', subscriptions: [] };
  } catch (error) {
    if (!isPullDoctorError(error) || !FALL_BACK_ON.has(error.code)) throw error;
    const refusal = graphRefusal(error);
    if (subscriptions.length === 0) {
      return { fallbackReason: `${refusal}, and no subscription is configured to list instead (set AZURE_SUBSCRIPTION_ID).` };
    }
    const wantsCluster = search.apiServerHosts.length > 0 || search.clusterNames.length > 0;
    const [clusters, registries] = await Promise.all([
      wantsCluster ? Promise.all(subscriptions.map((s) => reader.listManagedClusters(s))) : Promise.resolve([]),
      search.loginServers.length > 0 ? Promise.all(subscriptions.map((s) => reader.listRegistries(s))) : Promise.resolve([]),
    ]);
    return {
      clusters: clusters.flat(),
      registries: registries.flat(),
      via: 'subscriptions',
      subscriptions,
      fallbackReason: `${refusal}: only subscription ${subscriptions.join(', ')} was searched.`,
    };
  }
}

/** "in every subscription …" or "in subscription X", for sentences about what was not found. */
export function searchedWhere(search: AzureSearch): string {
  return search.via === 'resource-graph'
    ? "in any subscription Pull Doctor's identity can read (searched with Azure Resource Graph)"
    : `in subscription ${search.subscriptions.join(', ')} (${search.fallbackReason})`;
}

/** The cluster whose API server host is `host`, else the only one named `name`. */
export function clusterIn(search: AzureSearch, host: string, name: string | undefined): ManagedClusterInfo | string {
  const byHost = search.clusters.find((c) => [c.fqdn, c.privateFqdn].some((f) => f !== undefined && f.toLowerCase() === host));
  if (byHost) return byHost;
  const named = name ? search.clusters.filter((c) => c.name.toLowerCase() === name.toLowerCase()) : [];
  if (named.length === 1) return named[0]!;
  const also = name ? ` or the name "${name}"` : '';
  const several = named.length > 1 ? ` (${named.length} clusters have that name, so none is chosen: use --cluster-id)` : '';
  return `No AKS cluster ${searchedWhere(search)} has the API server host "${host}"${also}${several}.`;
}

export function registryIn(search: AzureSearch, loginServer: string): RegistryInfo | string {
  const match = search.registries.find((r) => r.loginServer.toLowerCase() === loginServer.toLowerCase());
  return match ?? `No container registry ${searchedWhere(search)} has the login server ${loginServer}.`;
}

/**
 * Login servers of existing registries close to `loginServer` ("did you mean shopacr.azurecr.io?"), best first: from
 * Resource Graph's list of every registry the identity can read, or from the subscriptions listed instead.
 */
export async function similarLoginServers(reader: AzureReader, search: AzureSearch, loginServer: string): Promise<string[]> {
  let candidates: Array<Pick<RegistrySummary, 'loginServer'>> = search.registries;
  if (search.via === 'resource-graph') {
    try {
      candidates = (await reader.listRegistrySummaries()).registries;
    } catch {
      return []; // a suggestion is a courtesy: without the list there is none
    }
  }
  const wanted = loginServer.toLowerCase();
  const suffix = wanted.slice(wanted.indexOf('.'));
  const names = candidates
    .map((r) => r.loginServer.toLowerCase())
    .filter((s) => s !== wanted && s.endsWith(suffix))
    .map((s) => s.slice(0, s.length - suffix.length));
  return similarNames(wanted.slice(0, wanted.length - suffix.length), [...new Set(names)], 3).map((n) => `${n}${suffix}`);
}
