import type { ClusterConnection, ClusterRegistry } from '../clusters/cluster-registry.js';
import type { DiagnosisDependencies } from '../diagnosis/diagnose-pod.js';
import { PullDoctorError } from '../errors/index.js';

/** A cluster's connection and the diagnosis clients built on it (once, for the life of the process). */
export interface ConnectedCluster {
  connection: ClusterConnection;
  dependencies: DiagnosisDependencies;
}

/**
 * The clusters the bot can diagnose and watch, each with its clients built once for the life of the process (token
 * caches, connection pools), not once per question.
 */
export interface ClusterConnections {
  /** The names a chat user may give ("on cluster NAME"); the first one is the default cluster's display name. */
  readonly names: readonly string[];
  /**
   * The named cluster (the default one when `cluster` is undefined), with clients that log through the process-wide
   * logger; callers pass their own per-turn logger to the diagnosis. PullDoctorError INVALID_INPUT for an unknown name.
   */
  connect(cluster?: string): Promise<ConnectedCluster>;
}

/** One cluster, known by its kubeconfig context and cluster names. */
export function singleCluster(connection: ClusterConnection, dependencies: DiagnosisDependencies, names: ReadonlyArray<string | undefined>): ClusterConnections {
  const known = [...new Set(names.filter((n): n is string => n !== undefined && n !== ''))];
  const connected: ConnectedCluster = { connection, dependencies };
  return {
    names: known,
    async connect(cluster) {
      if (cluster !== undefined && !known.includes(cluster)) {
        throw new PullDoctorError('INVALID_INPUT', `Pull Doctor has no cluster named "${cluster}".`, {
          advice: known.length > 0 ? `It diagnoses ${known[0]}: ask again without "on cluster", or name ${known.join(' or ')}.` : 'Ask again without "on cluster".',
          facts: { cluster },
        });
      }
      return connected;
    },
  };
}

/** The clusters of the cluster file (PULLDOCTOR_CONFIG), connected on first use; clients built once per cluster. */
export function registeredClusters(registry: ClusterRegistry, build: (connection: ClusterConnection) => DiagnosisDependencies): ClusterConnections {
  const built = new Map<string, ConnectedCluster>();
  return {
    names: registry.names(),
    async connect(cluster) {
      const connection = await registry.connect(cluster);
      let connected = built.get(connection.name);
      if (!connected || connected.connection !== connection) {
        connected = { connection, dependencies: build(connection) };
        built.set(connection.name, connected);
      }
      return connected;
    },
  };
}
