/**
 * Server-side printing: when a client asks for `application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl does for
 * its human-readable output), the API server answers a meta.k8s.io/v1 Table. Columns follow the real printers
 * (pkg/printers/internalversion) for the resources the fake serves, and the generic "Name / Created At" otherwise.
 */
import type { ResourceType } from './resource-types.js';
import type { WireObject } from './wire.js';

type Cell = string | number;

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

interface Printer {
  columns: ColumnDefinition[];
  cells(object: WireObject, now: Date): Cell[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** True when the Accept header asks for a Table (first acceptable type wins, as in the API server). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0] ?? '';
  return /;\s*as=Table/.test(first);
}

const col = (name: string, description: string, priority = 0, type = 'string', format = ''): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});
const NAME = col(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'string',
  'name',
);
const AGE = col(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
);

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(timestamp));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the printers read arbitrary JSON, as kubectl's do
type Json = Record<string, any>;

function podStatusReason(pod: Json): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  const status: Json = pod.status ?? {};
  const spec: Json = pod.spec ?? {};
  let reason: string = status.reason || status.phase || 'Unknown';
  const containerStatuses: Json[] = status.containerStatuses ?? [];
  const initStatuses: Json[] = status.initContainerStatuses ?? [];
  let restarts = 0;
  let ready = 0;
  let lastRestart: string | undefined;
  const noteRestart = (cs: Json) => {
    restarts += cs.restartCount ?? 0;
    const finished = cs.lastState?.terminated?.finishedAt;
    if (typeof finished === 'string' && (!lastRestart || finished > lastRestart)) lastRestart = finished;
  };
  let initializing = false;
  for (const [i, cs] of initStatuses.entries()) {
    noteRestart(cs);
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    initializing = true;
    if (terminated)
      reason = `Init:${terminated.reason || (terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`)}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const cs of [...containerStatuses].reverse()) {
      noteRestart(cs);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (pod.metadata?.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const result: { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } = {
    reason,
    ready,
    total: (spec.containers ?? []).length,
    restarts,
  };
  if (lastRestart !== undefined) result.lastRestart = lastRestart;
  return result;
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      AGE,
      col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    cells(pod, now) {
      const p = pod as Json;
      const s = podStatusReason(p);
      const restarts = s.lastRestart ? `${s.restarts} (${age(s.lastRestart, now)} ago)` : String(s.restarts);
      return [
        p.metadata?.name ?? '',
        `${s.ready}/${s.total}`,
        s.reason,
        restarts,
        age(p.metadata?.creationTimestamp, now),
        p.status?.podIP || '<none>',
        p.spec?.nodeName || '<none>',
        p.status?.nominatedNodeName || '<none>',
        '<none>',
      ];
    },
  },
  Event: {
    columns: [
      col('Last Seen', 'Time when this Event was last seen'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col(
        'Reason',
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'The subobject (for example a container) that this event is about.', 1),
      col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      col('Count', 'The number of times this event has occurred.', 1),
      col('Name', 'The name of this event.', 1),
    ],
    cells(event, now) {
      const e = event as Json;
      const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime;
      const first = e.firstTimestamp ?? e.eventTime;
      const count = e.series?.count ?? e.count ?? 1;
      const lastSeen = e.series ? `${age(last, now)} (x${count} over ${age(first, now)})` : age(last, now);
      const involved = e.involvedObject ?? {};
      const source = [e.source?.component || e.reportingComponent, e.source?.host || e.reportingInstance].filter(Boolean).join(', ');
      return [
        lastSeen,
        e.type ?? '',
        e.reason ?? '',
        `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
        involved.fieldPath ?? '',
        source,
        e.message ?? '',
        age(first, now),
        count,
        e.metadata?.name ?? '',
      ];
    },
  },
  Secret: {
    columns: [
      NAME,
      col('Type', 'The type of data stored in the secret'),
      col('Data', 'The number of entries in the secret', 0, 'integer'),
      AGE,
    ],
    cells(secret, now) {
      const s = secret as Json;
      return [
        s.metadata?.name ?? '',
        s.type ?? 'Opaque',
        Object.keys(s.data ?? {}).length + Object.keys(s.stringData ?? {}).length,
        age(s.metadata?.creationTimestamp, now),
      ];
    },
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells(ns, now) {
      const n = ns as Json;
      return [n.metadata?.name ?? '', n.status?.phase ?? 'Active', age(n.metadata?.creationTimestamp, now)];
    },
  },
  ServiceAccount: {
    columns: [
      NAME,
      col(
        'Secrets',
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
        0,
        'string',
      ),
      AGE,
    ],
    cells(sa, now) {
      const s = sa as Json;
      return [s.metadata?.name ?? '', String((s.secrets ?? []).length), age(s.metadata?.creationTimestamp, now)];
    },
  },
};

const GENERIC: Printer = {
  columns: [
    NAME,
    col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', 0, 'date'),
  ],
  cells(o) {
    return [o.metadata?.name ?? '', String(o.metadata?.creationTimestamp ?? '')];
  },
};

export function toTable(
  type: ResourceType,
  objects: WireObject[],
  listMetadata: { resourceVersion: string; continue?: string; remainingItemCount?: number },
  options: { now: Date; includeObject: IncludeObject },
) {
  const printer = PRINTERS[type.kind] ?? GENERIC;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: printer.cells(o, options.now) };
      if (options.includeObject === 'Object') row.object = o;
      else if (options.includeObject === 'Metadata')
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
      return row;
    }),
  };
}
