/**
 * What the diagnosis keeps between calls to Azure, bounded in size and time:
 *
 * - tokens (cachingCredential): one token per scope for its lifetime, shared by every SDK client built on the
 *   credential and by concurrent callers, so a diagnosis asks `az account get-access-token` (or the managed identity
 *   endpoint) once per resource instead of once per SDK client;
 * - slow-changing facts (cachingAzureReader): cluster → kubelet identity, login server → registry, role definitions,
 *   for a few minutes, so that a repeated diagnosis in the bot reads only what can change under it — the pod, and
 *   the role assignments (never cached: a fix changes them).
 *
 * Only what was found is kept: a registry that does not exist yet is looked for again next time.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { AzureReader, FoundResources, ManagedClusterInfo, RegistryInfo, ResourceSearch, RoleDefinitionInfo } from './azure-reader.js';
import { resourceIdKey } from './resource-id.js';
import { cleanSearch } from './resource-graph.js';

/** A map whose entries expire, and which forgets its oldest entries beyond `maxEntries`. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A token is fetched again this long before it expires (the SDK pipelines refresh two minutes before). */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
const MAX_TOKEN_SCOPES = 16;
const CACHED = Symbol('pull-doctor token cache');

/**
 * The credential with its tokens kept per scope (and tenant) until five minutes before they expire (or the
 * credential's refreshAfterTimestamp), concurrent requests for one scope sharing one fetch. A request carrying
 * `claims` (a Continuous Access Evaluation challenge: the token was refused) always goes to the credential.
 * Wrapping twice returns the first wrapper.
 */
export function cachingCredential(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
  if ((credential as { [CACHED]?: true })[CACHED]) return credential;
  const tokens = new ExpiringMap<AccessToken>(MAX_TOKEN_SCOPES, now);
  const pending = new Map<string, Promise<AccessToken | null>>();
  return {
    [CACHED]: true,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (options?.claims) return credential.getToken(scopes, options);
      const key = `${[scopes].flat().join(' ')}\u0000${options?.tenantId ?? ''}`;
      const cached = tokens.get(key);
      if (cached) return cached;
      let fetching = pending.get(key);
      if (!fetching) {
        fetching = credential.getToken(scopes, options).then((token) => {
          if (token) {
            const refreshAt = Math.min(token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS, token.refreshAfterTimestamp ?? Infinity);
            if (refreshAt > now()) tokens.set(key, token, refreshAt - now());
          }
          return token;
        });
        pending.set(key, fetching);
        void fetching.finally(() => pending.delete(key)).catch(() => undefined);
      }
      return fetching;
    },
  } as TokenCredential;
}

export interface ReaderCacheOptions {
  /** How long a cluster, registry or role definition is kept (5 minutes by default). */
  ttlMs?: number;
  /** How many of each are kept at most (256 by default). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * The reader with clusters, registries and role definitions kept for `ttlMs`. A search is answered from the cache
 * when every login server it asks for is known and the cluster is (by one of its API server hosts, or by a name that
 * named exactly one cluster); otherwise Resource Graph is asked for what is missing only. Role assignments and the
 * per-subscription lists are always read.
 */
export function cachingAzureReader(reader: AzureReader, options: ReaderCacheOptions = {}): AzureReader {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const max = options.maxEntries ?? 256;
  const registries = new ExpiringMap<RegistryInfo>(max, options.now);
  const clustersByHost = new ExpiringMap<ManagedClusterInfo>(max, options.now);
  const clustersByName = new ExpiringMap<ManagedClusterInfo>(max, options.now);
  const clustersById = new ExpiringMap<ManagedClusterInfo>(max, options.now);
  const definitions = new ExpiringMap<RoleDefinitionInfo>(max, options.now);

  const rememberCluster = (c: ManagedClusterInfo) => {
    clustersById.set(resourceIdKey(c.id), c, ttl);
    for (const host of [c.fqdn, c.privateFqdn]) if (host) clustersByHost.set(host.toLowerCase(), c, ttl);
  };

  return {
    // Forwarded by name, not spread: the reader may be a Proxy that loads the SDK on its first call (no own keys).
    listRegistrySummaries: () => reader.listRegistrySummaries(),
    listManagedClusters: (subscriptionId) => reader.listManagedClusters(subscriptionId),
    listRegistries: (subscriptionId) => reader.listRegistries(subscriptionId),
    listRoleAssignmentsForPrincipal: (scope, principalId) => reader.listRoleAssignmentsForPrincipal(scope, principalId),
    async findResources(asked: ResourceSearch): Promise<FoundResources> {
      const search = cleanSearch(asked);
      const knownRegistries = search.loginServers.flatMap((s) => registries.get(s) ?? []);
      const missingServers = search.loginServers.filter((s) => registries.get(s) === undefined);
      const wantsCluster = search.apiServerHosts.length > 0 || search.clusterNames.length > 0;
      const knownCluster =
        search.apiServerHosts.map((h) => clustersByHost.get(h)).find((c) => c !== undefined) ??
        search.clusterNames.map((n) => clustersByName.get(n.toLowerCase())).find((c) => c !== undefined);
      const rest: ResourceSearch = {
        apiServerHosts: knownCluster ? [] : search.apiServerHosts,
        clusterNames: knownCluster ? [] : search.clusterNames,
        loginServers: missingServers,
      };
      const found =
        (wantsCluster && !knownCluster) || missingServers.length > 0 ? await reader.findResources(rest) : { clusters: [], registries: [] };
      for (const r of found.registries) registries.set(r.loginServer.toLowerCase(), r, ttl);
      for (const c of found.clusters) rememberCluster(c);
      for (const name of rest.clusterNames) {
        const named = found.clusters.filter((c) => c.name.toLowerCase() === name.toLowerCase());
        if (named.length === 1) clustersByName.set(name.toLowerCase(), named[0]!, ttl);
      }
      return {
        clusters: knownCluster ? [knownCluster] : found.clusters,
        registries: [...knownRegistries, ...found.registries],
      };
    },

    async getManagedCluster(resourceId) {
      const known = clustersById.get(resourceIdKey(resourceId));
      if (known) return known;
      const cluster = await reader.getManagedCluster(resourceId);
      rememberCluster(cluster);
      return cluster;
    },

    async getRoleDefinition(roleDefinitionId) {
      const key = resourceIdKey(roleDefinitionId);
      const known = definitions.get(key);
      if (known) return known;
      const definition = await reader.getRoleDefinition(roleDefinitionId);
      definitions.set(key, definition, ttl);
      return definition;
    },
  };
}
