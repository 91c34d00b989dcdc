/**
 * The resources the fake serves: one entry per group/version/resource, with what discovery advertises
 * (kind, verbs, short names) and which field selectors the real API server supports for it.
 */
import { coreEventToEventsV1, eventsV1ToCoreEvent } from './events-v1-conversion.js';
import type { WireObject } from './wire.js';

export const KUBERNETES_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type KubernetesVerb = (typeof KUBERNETES_VERBS)[number];

type FieldLabel = (object: WireObject) => string | undefined;

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly KubernetesVerb[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: readonly string[];
  /** Resources that share storage (core events and events.k8s.io events) have the same key. */
  storageKey: string;
  /** Field selector labels beyond metadata.name / metadata.namespace, evaluated on the stored form. */
  fieldLabels: Readonly<Record<string, FieldLabel>>;
  /** Conversion between the stored form and this version, when they differ. */
  fromStorage?: (stored: WireObject) => WireObject;
  toStorage?: (object: WireObject) => WireObject;
}

const READ_WRITE: readonly KubernetesVerb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function path(object: WireObject, ...keys: string[]): string | undefined {
  let current: unknown = object;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined || current === null) return undefined;
  return String(current);
}

const involvedObjectLabels = (prefix: string): Record<string, FieldLabel> =>
  Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((key) => [
      `${prefix}.${key}`,
      (o: WireObject) => path(o, 'involvedObject', key),
    ]),
  );

const coreEventLabels: Record<string, FieldLabel> = {
  ...involvedObjectLabels('involvedObject'),
  reason: (o) => path(o, 'reason'),
  reportingComponent: (o) => path(o, 'reportingComponent'),
  source: (o) => path(o, 'source', 'component'),
  type: (o) => path(o, 'type'),
};

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    storageKey: 'namespaces',
    fieldLabels: { 'status.phase': (o) => path(o, 'status', 'phase') },
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'ephemeralcontainers'],
    storageKey: 'pods',
    fieldLabels: {
      'spec.nodeName': (o) => path(o, 'spec', 'nodeName') ?? '',
      'spec.restartPolicy': (o) => path(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': (o) => path(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': (o) => path(o, 'spec', 'serviceAccountName'),
      'spec.hostNetwork': (o) => path(o, 'spec', 'hostNetwork') ?? 'false',
      'status.phase': (o) => path(o, 'status', 'phase'),
      'status.podIP': (o) => path(o, 'status', 'podIP') ?? '',
      'status.nominatedNodeName': (o) => path(o, 'status', 'nominatedNodeName') ?? '',
    },
  },
  {
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ev'],
    storageKey: 'events',
    fieldLabels: coreEventLabels,
  },
  {
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['sa'],
    subresources: ['token'],
    storageKey: 'serviceaccounts',
    fieldLabels: {},
  },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    verbs: READ_WRITE,
    storageKey: 'secrets',
    fieldLabels: { type: (o) => path(o, 'type') },
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    storageKey: 'deployments',
    fieldLabels: {},
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    storageKey: 'replicasets',
    fieldLabels: { 'status.replicas': (o) => path(o, 'status', 'replicas') ?? '0' },
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    verbs: READ_WRITE,
    storageKey: 'leases',
    fieldLabels: {},
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ev'],
    storageKey: 'events',
    // pkg/apis/events/v1 converts these field labels onto the stored (core) fields
    fieldLabels: {
      ...Object.fromEntries(
        Object.entries(involvedObjectLabels('involvedObject')).map(([k, f]) => [k.replace('involvedObject', 'regarding'), f]),
      ),
      reason: coreEventLabels.reason!,
      reportingController: coreEventLabels.reportingComponent!,
      type: coreEventLabels.type!,
      deprecatedSource: coreEventLabels.source!,
    },
    fromStorage: coreEventToEventsV1,
    toStorage: eventsV1ToCoreEvent,
  },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function findResourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** The resource type an object belongs to, from its apiVersion and kind. */
export function resourceTypeOfObject(object: WireObject): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === object.apiVersion && t.kind === object.kind);
}

/** The type whose form is the stored form for a storage key (the first registered one). */
export function storageTypeFor(storageKey: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.storageKey === storageKey && t.fromStorage === undefined);
  if (!type) throw new Error(`no storage type for ${storageKey}`);
  return type;
}

/** Storage keys of namespaced resources (what deleting a namespace removes). */
export function namespacedStorageKeys(): string[] {
  return [...new Set(RESOURCE_TYPES.filter((t) => t.namespaced).map((t) => t.storageKey))];
}
