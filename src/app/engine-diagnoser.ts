import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { Diagnoser } from '../teams/diagnoser.js';
import type { ClusterConnections } from './cluster-connections.js';

/**
 * The Teams bot's Diagnoser over the diagnosis engine. Clients come from `clusters` (built once per process); each
 * diagnosis logs through the turn's logger. Failures are the engine's PullDoctorErrors (POD_NOT_FOUND with similar
 * names in `facts.suggestions`, NAMESPACE_NOT_FOUND, KUBE_*), or INVALID_INPUT for a cluster the bot does not know.
 */
export class EngineDiagnoser implements Diagnoser {
  constructor(private readonly clusters: ClusterConnections) {}

  async diagnose(request: DiagnosisTarget, log: Logger): Promise<Diagnosis> {
    const { connection, dependencies } = await this.clusters.connect(request.cluster);
    // Name the cluster on the card even when the question did not: on-call engineers juggle several.
    const cluster = request.cluster ?? (connection.name || this.clusters.names[0]);
    return diagnosePod({ pod: request.pod, namespace: request.namespace, ...(cluster ? { cluster } : {}) }, { ...dependencies, log });
  }
}
