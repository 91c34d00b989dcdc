import { createHash } from 'node:crypto';
import type { WorkloadRef } from '../diagnosis/failing-pods.js';
import type { Cause, Fix, PodEventSummary, Remedy } from '../diagnosis/types.js';

/** The store collections the alert machinery owns (see src/store/store.ts for the naming rule). */
export const ALERT_COLLECTIONS = {
  /** One document per alert, under its key. */
  alerts: 'alerts',
  /** One document per conversation: its stored Teams conversation reference. */
  conversations: 'conversations',
  /** One document per conversation: its `alerts on` scopes. */
  subscriptions: 'alert-subscriptions',
  /** One document per conversation: the messages sent there and the flood state. */
  deliveries: 'alert-deliveries',
  /** Pods reported by Alertmanager to a replica that is not the leader, for the leader to check. */
  inbox: 'alert-inbox',
} as const;

/** What makes two failures the same alert: one alert per cluster, namespace, owning workload and cause. */
export interface AlertGroup {
  cluster: string;
  namespace: string;
  workload: WorkloadRef;
  cause: Cause;
}

/** The alert's id in the store and on cards: opaque, fixed length, the same on every replica. */
export function alertKey(group: AlertGroup): string {
  const text = JSON.stringify([group.cluster, group.namespace, group.workload.kind, group.workload.name, group.cause]);
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}

/** What the newest diagnosis of a pod of the group said, kept with the alert (no secrets: ids and runtime text). */
export interface AlertDiagnosisSummary {
  /** The pod that was diagnosed. */
  pod: string;
  diagnosedAt: string;
  image?: string;
  registry?: string;
  /** The telling event, `Reason: message` (redacted, cut). */
  keyEvent?: string;
  /** The root cause in the pod's own terms and what to do (Diagnosis.headline / remedy); absent in older records. */
  headline?: string;
  remedy?: Remedy | null;
  fix: Fix | null;
  /** The newest events (at most 15), for the card's "Show events". */
  events: PodEventSummary[];
  /** Set when the diagnosis itself could not run: the alert is raised anyway, with cause `other`. */
  error?: string;
}

export type AlertStatus = 'firing' | 'resolved';
export type AlertSource = 'watcher' | 'alertmanager';

/**
 * One alert, stored in the `alerts` collection under its key. Transitions are pure functions of the stored value
 * (below), applied with compare-and-swap, so replicas and restarts agree on them.
 */
export interface AlertRecord {
  schema: 1;
  key: string;
  cluster: string;
  namespace: string;
  workload: WorkloadRef;
  cause: Cause;
  status: AlertStatus;
  /** Start of the current episode: the workload failing without a break (the card's "Firing since"). */
  firstSeen: string;
  /** The newest pod failure counted. */
  lastSeen: string;
  resolvedAt?: string;
  /** Pods failing now: name → since when. */
  failingPods: Record<string, { since: string }>;
  /** Distinct pods that failed since this message generation began (names kept up to MAX_AFFECTED_NAMES). */
  podsAffected: number;
  affectedPods: string[];
  newestPod: string;
  /**
   * Goes up when the workload is due a new message: its first failure, every failure after it was resolved, and a new
   * pod of a still-firing alert once the quiet window has passed since the last message.
   */
  generation: number;
  generationStartedAt: string;
  /** Goes up with every change a card would show. */
  revision: number;
  diagnosis: AlertDiagnosisSummary;
  source: AlertSource;
  /** Conversations that are told about this alert (routes and subscriptions when it was raised, accumulated). */
  routedTo: string[];
  /**
   * The alert as it stood when its previous generation ended (resolved, or still firing when re-announced): what the
   * previous message shows for good. Kept so that message is brought to its final state even when the change that
   * ended it was still waiting to be sent (rate limits, Teams refusing for a while) as the next generation began.
   */
  previous?: PreviousGeneration;
}

/** An alert's previous generation: the record as it last stood then. */
export type PreviousGeneration = Omit<AlertRecord, 'previous'>;

/** A pod of a group found failing to pull after its grace period (or reported by Alertmanager). */
export interface PodFailureReport extends AlertGroup {
  pod: string;
  diagnosis: AlertDiagnosisSummary;
  source: AlertSource;
  /** Where the alert goes (static routes and subscriptions now). */
  conversations: string[];
}

const MAX_AFFECTED_NAMES = 500;

function addAffected(record: AlertRecord, pod: string): void {
  if (record.affectedPods.includes(pod)) return;
  record.podsAffected += 1;
  if (record.affectedPods.length < MAX_AFFECTED_NAMES) record.affectedPods.push(pod);
}

/**
 * The next value of an alert when one of its pods is found failing; undefined when nothing a card shows changes
 * (the pod was already counted as failing and the alert is firing).
 *
 * A resolved alert that fails again starts a new generation — a new message, "firing since" now — whenever it
 * happens: an edit of the old card far up the chat would notify nobody. The quiet window only holds back repeats
 * while the workload keeps failing: a firing alert is re-announced in a new message when a new pod fails after the
 * window has passed since its last announcement ("firing since" stays the start of the outage).
 */
export function withPodFailing(
  current: AlertRecord | null,
  report: PodFailureReport,
  key: string,
  now: string,
  quietWindowMs: number,
): AlertRecord | undefined {
  if (current === null) {
    return {
      schema: 1,
      key,
      cluster: report.cluster,
      namespace: report.namespace,
      workload: { ...report.workload },
      cause: report.cause,
      status: 'firing',
      firstSeen: now,
      lastSeen: now,
      failingPods: { [report.pod]: { since: now } },
      podsAffected: 1,
      affectedPods: [report.pod],
      newestPod: report.pod,
      generation: 1,
      generationStartedAt: now,
      revision: 1,
      diagnosis: report.diagnosis,
      source: report.source,
      routedTo: [...new Set(report.conversations)],
    };
  }
  const alreadyFailing = Object.hasOwn(current.failingPods, report.pod);
  const newRoutes = report.conversations.filter((c) => !current.routedTo.includes(c));
  if (alreadyFailing && current.status === 'firing' && newRoutes.length === 0) return undefined;

  const next: AlertRecord = structuredClone(current);
  const newGeneration = () => {
    const previous: PreviousGeneration = structuredClone(current);
    delete (previous as AlertRecord).previous;
    next.previous = previous;
    next.generation += 1;
    next.generationStartedAt = now;
    next.podsAffected = 0;
    next.affectedPods = [];
  };
  if (current.status === 'resolved') {
    newGeneration();
    next.firstSeen = now;
    next.status = 'firing';
    delete next.resolvedAt;
    next.failingPods = {};
  } else if (!alreadyFailing && Date.parse(now) - Date.parse(current.generationStartedAt) >= quietWindowMs) {
    newGeneration();
  }
  next.failingPods[report.pod] = { since: current.failingPods[report.pod]?.since ?? now };
  addAffected(next, report.pod);
  next.newestPod = report.pod;
  next.lastSeen = now;
  next.diagnosis = report.diagnosis;
  next.source = report.source;
  next.routedTo = [...current.routedTo, ...newRoutes];
  next.revision += 1;
  return next;
}

/** The next value when a pod no longer fails (recovered, deleted, or moved to another group); resolves an emptied alert. */
export function withPodRecovered(current: AlertRecord | null, pod: string, now: string): AlertRecord | undefined {
  if (current === null || current.status !== 'firing' || !Object.hasOwn(current.failingPods, pod)) return undefined;
  const next: AlertRecord = structuredClone(current);
  delete next.failingPods[pod];
  if (Object.keys(next.failingPods).length === 0) {
    next.status = 'resolved';
    next.resolvedAt = now;
  }
  next.revision += 1;
  return next;
}

/** Basic shape check of a stored alert (documents are JSON from a shared store: check before use). */
export function isAlertRecord(value: unknown): value is AlertRecord {
  const v = value as Partial<AlertRecord> | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    v.schema === 1 &&
    typeof v.key === 'string' &&
    typeof v.cluster === 'string' &&
    typeof v.namespace === 'string' &&
    typeof v.workload?.kind === 'string' &&
    (v.status === 'firing' || v.status === 'resolved') &&
    typeof v.generation === 'number' &&
    typeof v.revision === 'number' &&
    v.failingPods !== null &&
    typeof v.failingPods === 'object' &&
    Array.isArray(v.routedTo) &&
    (v.previous === undefined || (isAlertRecord(v.previous) && v.previous.previous === undefined && v.previous.key === v.key))
  );
}
