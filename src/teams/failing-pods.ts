import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { listFailingPods, type FailingPodsReport, type FailingPodsScope } from '../diagnosis/failing-pods.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { TeamsCards } from './bot-framework.js';
import type { AdaptiveCardJson } from './cards.js';
import type { CardActionStore } from './card-actions.js';
import { podKey } from './failing-pods-card-data.js';

// "What's failing" in Teams: list the failing pods of a namespace (or the cluster) through the core, and make the
// card with a stored Diagnose action per pod; the same card offers a choice of pods when a message names several.

/** How the bot lists what is failing: the core's listing over the configured clusters (failingPodsOnClusters). */
export type ListFailingPods = (scope: FailingPodsScope, log: Logger) => Promise<FailingPodsReport>;

/** The core's listing over the clusters' clients; the report names its cluster even when the question did not. */
export function failingPodsOnClusters(clusters: ClusterConnections): ListFailingPods {
  return async (scope, log) => {
    const { connection, dependencies } = await clusters.connect(scope.cluster);
    const cluster = scope.cluster ?? (connection.name || clusters.names[0]);
    const report = await listFailingPods(dependencies.kube, { ...scope, cluster });
    log.info('failing pods listed', { namespace: scope.namespace ?? '*', cluster, pods: report.podCount, failing: report.failingCount });
    return report;
  };
}

export interface FailingPodsCardOptions {
  /** The cluster the question named: the Diagnose buttons ask about it. */
  cluster?: string | undefined;
  /** Our own words above the list, e.g. that a diagnosis follows below. */
  note?: string | undefined;
  /** Our own words above the heading. */
  intro?: string | undefined;
  /** Our own small lines below the list. */
  tips?: readonly string[] | undefined;
  /** Pressing Diagnose keeps the list (refreshed) and posts the diagnosis as a new message; false: it replaces the card. Default true. */
  keep?: boolean | undefined;
}

/** What the bot answers when it has no cluster to list. */
function noCluster(): PullDoctorError {
  return new PullDoctorError('CONFIG_INVALID', 'No cluster is configured for this bot, so there is nothing to list yet.', {
    advice: 'Start Pull Doctor with a cluster (KUBECONFIG and KUBE_CONTEXT) or with the bundled sandbox, then ask again.',
  });
}

/**
 * The failing-pods card and the pod choice card, with their Diagnose buttons stored server-side (the card carries
 * only their ids): a button diagnoses exactly the pod it was stored for, in the conversation it was sent to.
 */
export class FailingPodsCards {
  constructor(
    private readonly options: {
      cards: TeamsCards;
      cardActions: CardActionStore;
      /** Undefined when no cluster is configured: listings answer with an error card saying so. */
      list: ListFailingPods | undefined;
    },
  ) {}

  /** Lists what is failing in `scope` and makes its card; a failure (no namespace, API down) is an error card. */
  async listing(scope: FailingPodsScope, conversationId: string, log: Logger, note?: string): Promise<AdaptiveCardJson> {
    try {
      if (this.options.list === undefined) throw noCluster();
      const report = await this.options.list(scope, log);
      return await this.card(report, conversationId, { cluster: scope.cluster, note });
    } catch (error) {
      log.warn('failing pods not listed', { error, namespace: scope.namespace ?? '*' });
      return this.options.cards.error({ error });
    }
  }

  /** The card of a report: a Diagnose action stored for each pod shown. Throws when the store fails. */
  async card(report: FailingPodsReport, conversationId: string, options: FailingPodsCardOptions = {}): Promise<AdaptiveCardJson> {
    const list =
      options.keep === false
        ? undefined
        : { ...(report.namespace ? { namespace: report.namespace } : {}), ...(options.cluster ? { cluster: options.cluster } : {}) };
    const ids = new Map<string, string>();
    await Promise.all(
      report.groups.flatMap((group) =>
        group.pods.map(async (pod) => {
          const target: DiagnosisTarget = {
            pod: pod.pod,
            namespace: pod.namespace,
            ...(options.cluster ? { cluster: options.cluster } : {}),
          };
          ids.set(
            podKey(pod.namespace, pod.pod),
            await this.options.cardActions.put({ verb: 'diagnose', conversationId, target, run: 0, ...(list ? { list } : {}) }),
          );
        }),
      ),
    );
    return this.options.cards.failingPods({ report, diagnoseIds: ids, note: options.note, intro: options.intro, tips: options.tips });
  }

  /** A Diagnose button for each of `targets` (each replaces this card with its diagnosis when pressed). */
  async choice(
    targets: readonly DiagnosisTarget[],
    conversationId: string,
    text: { heading: string; intro?: string; tips?: readonly string[] },
  ) {
    const pods = await Promise.all(
      targets.map(async (target) => ({
        target,
        id: await this.options.cardActions.put({ verb: 'diagnose', conversationId, target, run: 0 }),
      })),
    );
    return this.options.cards.podChoice({ pods, ...text });
  }
}
