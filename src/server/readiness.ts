import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { describeError } from '../errors/index.js';
import type { Store } from '../store/index.js';

/** One dependency the bot needs to answer (the cluster API, the state store, ...). Throws when it is not ready. */
export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** Why it is not ready, as `describeError` titles it (never the raw error: it may hold secrets). */
  reason?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

class ProbeTimedOut extends Error {}

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimedOut()), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Runs every probe concurrently, each bounded by `timeoutMs`. */
export async function checkReadiness(probes: readonly ReadinessProbe[], timeoutMs: number): Promise<ReadinessReport> {
  const checks = await Promise.all(
    probes.map(async (probe): Promise<ReadinessCheck> => {
      const limit = timeout(timeoutMs);
      try {
        await Promise.race([probe.check(), limit.promise]);
        return { name: probe.name, ok: true };
      } catch (error) {
        const reason = error instanceof ProbeTimedOut ? `no answer within ${timeoutMs} ms` : describeError(error).title;
        return { name: probe.name, ok: false, reason };
      } finally {
        limit.cancel();
      }
    }),
  );
  return { ready: checks.every((c) => c.ok), checks };
}

/**
 * `checkReadiness`, shared and remembered: probes that arrive while a check runs wait for that one, and its report
 * answers every probe for `cacheMs` after it finished. `/readyz` is unauthenticated: a flood of probes must not turn
 * into as many calls to the cluster and the store. `fresh` says whether this call ran the check.
 */
export function cachedReadiness(
  probes: readonly ReadinessProbe[],
  options: { timeoutMs: number; cacheMs: number; now?: (() => number) | undefined },
): () => Promise<{ report: ReadinessReport; fresh: boolean }> {
  const now = options.now ?? Date.now;
  let last: { report: Promise<ReadinessReport>; finishedAt?: number } | undefined;
  return async () => {
    const current = last;
    if (current && (current.finishedAt === undefined || now() - current.finishedAt < options.cacheMs))
      return { report: await current.report, fresh: false };
    const entry: { report: Promise<ReadinessReport>; finishedAt?: number } = {
      report: checkReadiness(probes, options.timeoutMs).finally(() => {
        entry.finishedAt = now();
      }),
    };
    last = entry;
    return { report: await entry.report, fresh: true };
  };
}

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
export function readinessProbes(options: {
  store: Store;
  clusters: ClusterConnections | undefined;
  noCluster?: unknown;
}): ReadinessProbe[] {
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
