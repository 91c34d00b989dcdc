import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { rediagnosisSummary, type Rediagnose } from '../fixes/index.js';
import type { Logger } from '../logging/index.js';
import type { ClusterConnections } from './cluster-connections.js';

/**
 * The re-diagnosis after a fix, through the bot's cluster clients (built once per process) and the engine: the
 * request's cluster by its configured name (the only cluster when the bot knows no names).
 */
export function rediagnoseWithEngine(clusters: ClusterConnections, log: Logger): Rediagnose {
  return async (request) => {
    const name = request.cluster.name;
    const { connection, dependencies } = await clusters.connect(name !== undefined && clusters.names.length > 0 ? name : undefined);
    const cluster = name ?? connection.name;
    const d = await diagnosePod(
      { pod: request.pod.name, namespace: request.pod.namespace, ...(cluster ? { cluster } : {}) },
      { ...dependencies, log: log.child({ fixRequestId: request.id, rediagnosis: true }) },
    );
    return rediagnosisSummary(d, request.fix);
  };
}
