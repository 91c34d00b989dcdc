import { createHash } from 'node:crypto';
import { describeCause } from '../diagnosis/classify/cause-advice.js';
import { isAzureContainerRegistry } from '../diagnosis/image/image-reference.js';
import type { Cause, Fix, PodEventSummary, Remedy } from '../diagnosis/types.js';
import type { AlertRecord, AlertSource, AlertStatus } from './alert-record.js';

/**
 * What an alert card shows, transport-neutral: the Teams layer renders it (and attaches the diagnosis card's buttons
 * from `diagnosis`). Every string that came from the cluster is still raw here: the renderer makes it inert.
 */
export interface AlertView {
  kind: 'alert';
  /** Opaque id of the alert (stable across updates and replicas). */
  alertId: string;
  status: AlertStatus;
  cluster: string;
  namespace: string;
  workload: { kind: string; name: string };
  pods: {
    /** Pods failing now. */
    failing: number;
    /** Distinct pods that failed since this message was first posted. */
    affected: number;
    newest: string;
  };
  cause: Cause;
  /** The cause in plain words: a headline and what it means. */
  causeTitle: string;
  causeExplanation: string;
  /** The root cause in the diagnosed pod's own terms (the card's title), or the cause's title for older records. */
  headline: string;
  /** What to do: one sentence and the exact commands; null when the diagnosis gave none. */
  remedy: Remedy | null;
  evidence: { image?: string; registry?: string; keyEvent?: string };
  fixProposed: boolean;
  /** For the diagnosis card's buttons: the pod that was diagnosed, when, the fix and the newest events. */
  diagnosis: { pod: string; diagnosedAt: string; fix: Fix | null; events: PodEventSummary[]; error?: string };
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  source: AlertSource;
}

export interface AlertSummaryWorkload {
  alertId: string;
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  status: AlertStatus;
  podsFailing: number;
  podsAffected: number;
}

export interface AlertSummaryGroup {
  /** Registry host, e.g. `shopacr.azurecr.io`; `unknown` when the image could not be read. */
  registry: string;
  cause: Cause;
  causeTitle: string;
  workloads: AlertSummaryWorkload[];
  /** Workloads of this group not listed (the card lists at most MAX_SUMMARY_WORKLOADS in all). */
  omitted: number;
}

/** One card standing for many alerts at once (a registry outage, an expired secret used everywhere). */
export interface AlertSummaryView {
  kind: 'summary';
  summaryId: string;
  /** `resolved` once every workload listed has recovered. */
  status: AlertStatus;
  startedAt: string;
  updatedAt: string;
  totals: { workloads: number; firing: number; resolved: number; podsAffected: number };
  /** Grouped by registry and cause, the largest group first. */
  groups: AlertSummaryGroup[];
}

export type AlertCard = AlertView | AlertSummaryView;

/** How many workloads a summary card lists before it says "and N more" (cards must stay well under 28 KB). */
const MAX_SUMMARY_WORKLOADS = 100;

export function alertView(record: AlertRecord): AlertView {
  const registry = record.diagnosis.registry;
  const advice = describeCause(
    record.cause,
    registry === undefined ? {} : { registry: isAzureContainerRegistry(registry) ? 'acr' : 'other' },
  );
  const evidence: AlertView['evidence'] = {};
  if (record.diagnosis.image !== undefined) evidence.image = record.diagnosis.image;
  if (record.diagnosis.registry !== undefined) evidence.registry = record.diagnosis.registry;
  if (record.diagnosis.keyEvent !== undefined) evidence.keyEvent = record.diagnosis.keyEvent;
  const diagnosis: AlertView['diagnosis'] = {
    pod: record.diagnosis.pod,
    diagnosedAt: record.diagnosis.diagnosedAt,
    fix: record.diagnosis.fix,
    events: record.diagnosis.events,
  };
  if (record.diagnosis.error !== undefined) diagnosis.error = record.diagnosis.error;
  const view: AlertView = {
    kind: 'alert',
    alertId: record.key,
    status: record.status,
    cluster: record.cluster,
    namespace: record.namespace,
    workload: { ...record.workload },
    pods: { failing: Object.keys(record.failingPods).length, affected: record.podsAffected, newest: record.newestPod },
    cause: record.cause,
    causeTitle: advice.title,
    causeExplanation: advice.explanation,
    headline: record.diagnosis.headline ?? advice.title,
    remedy: record.diagnosis.remedy ?? null,
    evidence,
    fixProposed: record.diagnosis.fix !== null,
    diagnosis,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    source: record.source,
  };
  if (record.resolvedAt !== undefined) view.resolvedAt = record.resolvedAt;
  return view;
}

export function summaryView(summary: { id: string; startedAt: string }, records: readonly AlertRecord[]): AlertSummaryView {
  const byGroup = new Map<string, { registry: string; cause: Cause; records: AlertRecord[] }>();
  for (const record of records) {
    const registry = record.diagnosis.registry ?? 'unknown';
    const id = `${registry}\u0000${record.cause}`;
    let group = byGroup.get(id);
    if (!group) byGroup.set(id, (group = { registry, cause: record.cause, records: [] }));
    group.records.push(record);
  }
  const ordered = [...byGroup.values()].sort(
    (a, b) => b.records.length - a.records.length || a.registry.localeCompare(b.registry) || a.cause.localeCompare(b.cause),
  );
  let budget = MAX_SUMMARY_WORKLOADS;
  const groups: AlertSummaryGroup[] = ordered.map((group) => {
    const sorted = [...group.records].sort(
      (a, b) =>
        (a.status === b.status ? 0 : a.status === 'firing' ? -1 : 1) ||
        a.cluster.localeCompare(b.cluster) ||
        a.namespace.localeCompare(b.namespace) ||
        a.workload.name.localeCompare(b.workload.name),
    );
    const listed = sorted.slice(0, Math.max(0, budget));
    budget -= listed.length;
    return {
      registry: group.registry,
      cause: group.cause,
      causeTitle: describeCause(group.cause).title,
      workloads: listed.map((r) => ({
        alertId: r.key,
        cluster: r.cluster,
        namespace: r.namespace,
        kind: r.workload.kind,
        name: r.workload.name,
        status: r.status,
        podsFailing: Object.keys(r.failingPods).length,
        podsAffected: r.podsAffected,
      })),
      omitted: sorted.length - listed.length,
    };
  });
  const firing = records.filter((r) => r.status === 'firing').length;
  const updatedAt = records.reduce((latest, r) => {
    const t = r.resolvedAt !== undefined && r.resolvedAt > r.lastSeen ? r.resolvedAt : r.lastSeen;
    return t > latest ? t : latest;
  }, summary.startedAt);
  return {
    kind: 'summary',
    summaryId: summary.id,
    status: firing > 0 ? 'firing' : 'resolved',
    startedAt: summary.startedAt,
    updatedAt,
    totals: {
      workloads: records.length,
      firing,
      resolved: records.length - firing,
      podsAffected: records.reduce((n, r) => n + r.podsAffected, 0),
    },
    groups,
  };
}

/** A fingerprint of what a card shows: equal fingerprints need no update. */
export function cardFingerprint(card: AlertCard): string {
  return createHash('sha256').update(JSON.stringify(card)).digest('hex').slice(0, 32);
}
