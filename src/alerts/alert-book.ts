import type { DocumentStore } from '../store/index.js';
import { updateWithRetry } from '../store/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import {
  ALERT_COLLECTIONS,
  alertKey,
  isAlertRecord,
  withPodFailing,
  withPodRecovered,
  type AlertRecord,
  type PodFailureReport,
} from './alert-record.js';
import { isoTime, type Clock } from './machinery.js';

export interface AlertBookOptions {
  store: DocumentStore;
  clock: Clock;
  quietWindowMs: number;
  log?: Logger;
}

export interface PodRef {
  cluster: string;
  namespace: string;
  pod: string;
}

const podId = (p: PodRef) => `${p.cluster}\u0000${p.namespace}\u0000${p.pod}`;

/**
 * The alerts, kept in the store (collection `alerts`) and changed only by compare-and-swap transitions, plus an
 * in-memory index of which alert counts which pod as failing (rebuilt by `load()` when a replica starts leading).
 */
export class AlertBook {
  /** pod → keys of the firing alerts that count it as failing */
  private readonly podIndex = new Map<string, Set<string>>();
  /** alert key → pods it counts as failing */
  private readonly alertPods = new Map<string, Set<string>>();
  private readonly store: DocumentStore;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: AlertBookOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.log = (options.log ?? silentLogger()).child({ component: 'alert-book' });
  }

  /** Reads every alert and indexes the failing pods of the firing ones. */
  async load(): Promise<AlertRecord[]> {
    const docs = await this.store.list<unknown>(ALERT_COLLECTIONS.alerts);
    this.podIndex.clear();
    this.alertPods.clear();
    const records: AlertRecord[] = [];
    for (const doc of docs) {
      if (!isAlertRecord(doc.value)) {
        this.log.warn('ignoring a malformed alert document', { id: doc.id });
        continue;
      }
      records.push(doc.value);
      this.index(doc.value);
    }
    return records;
  }

  async get(key: string): Promise<AlertRecord | null> {
    const doc = await this.store.get<unknown>(ALERT_COLLECTIONS.alerts, key);
    return doc && isAlertRecord(doc.value) ? doc.value : null;
  }

  /** Whether a firing alert counts this pod as failing. */
  isTracked(ref: PodRef): boolean {
    return (this.podIndex.get(podId(ref))?.size ?? 0) > 0;
  }

  /** The pods firing alerts count as failing. */
  trackedPods(): PodRef[] {
    return [...this.podIndex.keys()].map((id) => {
      const [cluster, namespace, pod] = id.split('\u0000') as [string, string, string];
      return { cluster, namespace, pod };
    });
  }

  /**
   * Counts the pod as failing in its group's alert (opening it if needed) and out of any other group it was in.
   * Returns the alerts that changed.
   */
  async podFailing(report: PodFailureReport): Promise<AlertRecord[]> {
    const key = alertKey(report);
    const changed: AlertRecord[] = [];
    const ref = { cluster: report.cluster, namespace: report.namespace, pod: report.pod };
    for (const other of [...(this.podIndex.get(podId(ref)) ?? [])].filter((k) => k !== key)) {
      const moved = await this.recover(other, ref);
      if (moved) changed.push(moved);
    }
    const now = isoTime(this.clock.now());
    const result = await updateWithRetry<AlertRecord>(this.store, ALERT_COLLECTIONS.alerts, key, (current) =>
      withPodFailing(current !== null && isAlertRecord(current) ? current : null, report, key, now, this.options.quietWindowMs),
    );
    if (result) {
      this.index(result.value);
      if (result.changed) changed.push(result.value);
    }
    return changed;
  }

  /** Counts the pod as no longer failing in every alert that counted it. Returns the alerts that changed. */
  async podRecovered(ref: PodRef): Promise<AlertRecord[]> {
    const changed: AlertRecord[] = [];
    for (const key of [...(this.podIndex.get(podId(ref)) ?? [])]) {
      const record = await this.recover(key, ref);
      if (record) changed.push(record);
    }
    return changed;
  }

  /** Alerts still worth delivering: firing, or resolved within `withinMs`. */
  async listActive(withinMs: number): Promise<AlertRecord[]> {
    const now = this.clock.now();
    const docs = await this.store.list<unknown>(ALERT_COLLECTIONS.alerts);
    return docs
      .map((d) => d.value)
      .filter(isAlertRecord)
      .filter((r) => r.status === 'firing' || (r.resolvedAt !== undefined && now - Date.parse(r.resolvedAt) <= withinMs));
  }

  /** Deletes alerts resolved longer than `olderThanMs` ago; returns the keys that remain. */
  async prune(olderThanMs: number): Promise<Set<string>> {
    const now = this.clock.now();
    const live = new Set<string>();
    for (const doc of await this.store.list<unknown>(ALERT_COLLECTIONS.alerts)) {
      const r = doc.value;
      if (isAlertRecord(r) && r.status === 'resolved' && r.resolvedAt !== undefined && now - Date.parse(r.resolvedAt) > olderThanMs) {
        await this.store.delete(ALERT_COLLECTIONS.alerts, doc.id, doc.etag).catch(() => live.add(doc.id));
      } else live.add(doc.id);
    }
    return live;
  }

  private async recover(key: string, ref: PodRef): Promise<AlertRecord | undefined> {
    const now = isoTime(this.clock.now());
    const result = await updateWithRetry<AlertRecord>(this.store, ALERT_COLLECTIONS.alerts, key, (current) =>
      withPodRecovered(current !== null && isAlertRecord(current) ? current : null, ref.pod, now),
    );
    this.unindex(key, ref);
    if (result) this.index(result.value);
    return result?.changed ? result.value : undefined;
  }

  private index(record: AlertRecord): void {
    for (const id of this.alertPods.get(record.key) ?? []) {
      const keys = this.podIndex.get(id);
      keys?.delete(record.key);
      if (keys && keys.size === 0) this.podIndex.delete(id);
    }
    this.alertPods.delete(record.key);
    if (record.status !== 'firing') return;
    const ids = new Set<string>();
    for (const pod of Object.keys(record.failingPods)) {
      const id = podId({ cluster: record.cluster, namespace: record.namespace, pod });
      ids.add(id);
      let keys = this.podIndex.get(id);
      if (!keys) this.podIndex.set(id, (keys = new Set()));
      keys.add(record.key);
    }
    this.alertPods.set(record.key, ids);
  }

  private unindex(key: string, ref: PodRef): void {
    const id = podId(ref);
    const keys = this.podIndex.get(id);
    keys?.delete(key);
    if (keys && keys.size === 0) this.podIndex.delete(id);
    this.alertPods.get(key)?.delete(id);
  }
}
