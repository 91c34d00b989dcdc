import type { DiagnosisDependencies } from '../diagnosis/diagnose-pod.js';
import { PullDoctorError } from '../errors/index.js';

/**
 * The clusters the bot can diagnose, each with its clients built once for the life of the process (token caches,
 * connection pools), not once per question.
 */
export interface ClusterConnections {
  /** The names a chat user may give ("on cluster NAME"); the first one is the cluster's display name. */
  readonly names: readonly string[];
  /**
   * The clients for the named cluster (the default one when `cluster` is undefined), with the process-wide logger;
   * the caller passes its own per-turn logger to the diagnosis. PullDoctorError INVALID_INPUT for an unknown name.
   */
  dependencies(cluster: string | undefined): DiagnosisDependencies;
}

/**
 * One cluster, known by its kubeconfig context and cluster names. (Serving several clusters is the multi-cluster
 * configuration's job: it implements ClusterConnections too.)
 */
export function singleCluster(dependencies: DiagnosisDependencies, names: ReadonlyArray<string | undefined>): ClusterConnections {
  const known = [...new Set(names.filter((n): n is string => n !== undefined && n !== ''))];
  return {
    names: known,
    dependencies(cluster) {
      if (cluster !== undefined && !known.includes(cluster)) {
        throw new PullDoctorError('INVALID_INPUT', `Pull Doctor has no cluster named "${cluster}".`, {
          advice: known.length > 0 ? `It diagnoses ${known[0]}: ask again without "on cluster", or name ${known.join(' or ')}.` : 'Ask again without "on cluster".',
          facts: { cluster },
        });
      }
      return dependencies;
    },
  };
}
