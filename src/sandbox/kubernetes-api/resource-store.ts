/**
 * The fake cluster's etcd: objects by storage key, one resourceVersion counter for everything, and a bounded
 * history of changes from which watches resume. Objects go in and out as deep copies.
 */
import { randomUUID } from 'node:crypto';
import { cloneWire, type WireObject } from './wire.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredChange {
  resourceVersion: number;
  storageKey: string;
  type: ChangeType;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: WireObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: WireObject;
}

export type ChangeListener = (change: StoredChange) => void;

export interface ResourceStoreOptions {
  /** How many changes are kept for watches to resume from (the watch cache window). */
  historyLimit?: number;
  /** First resourceVersion handed out minus one: real clusters are never at 1. */
  initialResourceVersion?: number;
  now?: () => Date;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** `2025-03-14T09:26:53Z`: Kubernetes timestamps have second precision. */
export function kubernetesTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ResourceStore {
  private readonly objects = new Map<string, Map<string, WireObject>>();
  private readonly history: StoredChange[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private readonly historyLimit: number;
  private readonly now: () => Date;
  private current: number;
  private compactedThrough: number;

  constructor(options: ResourceStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 1000;
    this.now = options.now ?? (() => new Date());
    this.current = options.initialResourceVersion ?? 1000;
    this.compactedThrough = this.current;
  }

  /** The newest resourceVersion: what a list returns in `metadata.resourceVersion`. */
  get resourceVersion(): number {
    return this.current;
  }

  /** Watches from a resourceVersion older than this get 410 Expired. */
  get oldestResumableVersion(): number {
    return this.compactedThrough;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(storageKey: string, namespace: string | undefined, name: string): WireObject | undefined {
    const found = this.objects.get(storageKey)?.get(objectKey(namespace, name));
    return found === undefined ? undefined : cloneWire(found);
  }

  /** Objects of a storage key (of one namespace when given), sorted by namespace/name like etcd keys. */
  list(storageKey: string, namespace?: string): WireObject[] {
    const bucket = this.objects.get(storageKey);
    if (!bucket) return [];
    return [...bucket.entries()]
      .filter(([, o]) => namespace === undefined || o.metadata?.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => cloneWire(o));
  }

  /**
   * Stores an object (create or replace), giving it a new resourceVersion and, when missing, a uid and a
   * creationTimestamp. Returns the stored copy.
   */
  put(storageKey: string, object: WireObject): WireObject {
    const metadata = object.metadata ?? {};
    if (!metadata.name) throw new Error(`cannot store a ${storageKey} object without metadata.name`);
    const key = objectKey(metadata.namespace, metadata.name);
    const bucket = this.bucket(storageKey);
    const previous = bucket.get(key);
    const rv = this.next();
    const stored = cloneWire(object);
    stored.metadata = {
      ...metadata,
      uid: metadata.uid ?? previous?.metadata?.uid ?? randomUUID(),
      resourceVersion: String(rv),
      creationTimestamp: metadata.creationTimestamp ?? previous?.metadata?.creationTimestamp ?? kubernetesTime(this.now()),
    };
    bucket.set(key, stored);
    this.record(
      previous === undefined
        ? { resourceVersion: rv, storageKey, type: 'ADDED', object: stored }
        : { resourceVersion: rv, storageKey, type: 'MODIFIED', object: stored, previous },
    );
    return cloneWire(stored);
  }

  /** Removes an object; returns its last state (with the deletion's resourceVersion) or undefined. */
  remove(storageKey: string, namespace: string | undefined, name: string): WireObject | undefined {
    const bucket = this.objects.get(storageKey);
    const key = objectKey(namespace, name);
    const previous = bucket?.get(key);
    if (!bucket || previous === undefined) return undefined;
    bucket.delete(key);
    const rv = this.next();
    const last = cloneWire(previous);
    last.metadata = { ...last.metadata, resourceVersion: String(rv) };
    this.record({ resourceVersion: rv, storageKey, type: 'DELETED', object: last, previous });
    return cloneWire(last);
  }

  /** Changes after `resourceVersion` (exclusive), or undefined when some of them are no longer retained. */
  changesSince(resourceVersion: number): StoredChange[] | undefined {
    if (resourceVersion < this.compactedThrough) return undefined;
    return this.history.filter((c) => c.resourceVersion > resourceVersion);
  }

  /** Forgets the change history, as etcd compaction does: every older resourceVersion becomes too old. */
  compact(): void {
    this.history.length = 0;
    this.compactedThrough = this.current;
  }

  private bucket(storageKey: string): Map<string, WireObject> {
    let bucket = this.objects.get(storageKey);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(storageKey, bucket);
    }
    return bucket;
  }

  private next(): number {
    this.current += 1;
    return this.current;
  }

  private record(change: StoredChange): void {
    this.history.push(change);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift()!;
      this.compactedThrough = dropped.resourceVersion;
    }
    for (const listener of [...this.listeners]) listener(change);
  }
}
