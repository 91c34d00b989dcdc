/**
 * Watch streams as kube-apiserver serves them: HTTP 200 with chunked, newline-delimited JSON events
 * (`{"type":"ADDED","object":{...}}`), resumable from a resourceVersion, `ERROR` with a 410 Expired Status when
 * that version has been compacted away, optional BOOKMARKs, and server-side timeouts.
 */
import type { ServerResponse } from 'node:http';
import type { ObjectFilter } from './object-filter.js';
import type { ResourceStore, StoredChange } from './resource-store.js';
import { apiVersionOf, type ResourceType } from './resource-types.js';
import { expiredStatus, type StatusObject } from './status.js';
import { cloneWire, type WireObject } from './wire.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchRequest {
  type: ResourceType;
  filter: ObjectFilter;
  namespace?: string;
  /** The `resourceVersion` query parameter; unset or "0" starts with the current state as ADDED events. */
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
}

export interface WatchHubOptions {
  /** How often open watches that allow bookmarks get one (kube-apiserver: about a minute). */
  bookmarkIntervalMs?: number;
}

interface OpenWatch {
  request: WatchRequest;
  res: ServerResponse;
  end(): void;
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();
  private readonly bookmarkIntervalMs: number;

  constructor(
    private readonly store: ResourceStore,
    options: WatchHubOptions = {},
  ) {
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
  }

  get openWatchCount(): number {
    return this.open.size;
  }

  serve(res: ServerResponse, request: WatchRequest): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: WatchEventType, object: WireObject | StatusObject) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };

    const replay = this.startingEvents(request);
    if (replay === 'expired') {
      const requested = Number(request.resourceVersion);
      write('ERROR', expiredStatus(requested, this.store.oldestResumableVersion + 1));
      res.end();
      return;
    }
    for (const [type, object] of replay) write(type, object);
    if (request.sendInitialEvents && request.allowWatchBookmarks) {
      write('BOOKMARK', this.bookmark(request.type, { 'k8s.io/initial-events-end': 'true' }));
    }

    const timers: NodeJS.Timeout[] = [];
    const unsubscribe = this.store.onChange((change) => {
      const event = this.eventFor(request, change);
      if (event) write(event[0], event[1]);
    });
    const watch: OpenWatch = {
      request,
      res,
      end: () => {
        if (!res.writableEnded) res.end();
      },
    };
    const cleanup = () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.open.delete(watch);
    };
    if (request.allowWatchBookmarks) {
      const interval = setInterval(() => write('BOOKMARK', this.bookmark(request.type)), this.bookmarkIntervalMs);
      interval.unref();
      timers.push(interval);
    }
    if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
      const timeout = setTimeout(() => watch.end(), request.timeoutSeconds * 1000);
      timeout.unref();
      timers.push(timeout);
    }
    res.on('close', cleanup);
    res.on('finish', cleanup);
    this.open.add(watch);
  }

  /** Ends every open watch cleanly (the API server does this on timeouts and restarts); clients re-watch. */
  dropAll(): void {
    for (const watch of [...this.open]) watch.end();
  }

  /** Sends every open watch an ERROR 410 Expired and ends it, as after the watch cache fell too far behind. */
  expireAll(): void {
    for (const watch of [...this.open]) {
      const requested = Number(watch.request.resourceVersion ?? 0);
      watch.res.write(`${JSON.stringify({ type: 'ERROR', object: expiredStatus(requested, this.store.resourceVersion) })}\n`);
      watch.end();
    }
  }

  /** Sends a BOOKMARK to every open watch that asked for them. */
  sendBookmarks(): void {
    for (const watch of this.open) {
      if (watch.request.allowWatchBookmarks && !watch.res.writableEnded) {
        watch.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: this.bookmark(watch.request.type) })}\n`);
      }
    }
  }

  private startingEvents(request: WatchRequest): Array<[WatchEventType, WireObject]> | 'expired' {
    const rv = request.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0' || request.sendInitialEvents) {
      return this.store
        .list(request.type.storageKey, request.namespace)
        .filter(request.filter)
        .map((o) => ['ADDED', this.present(request.type, o)]);
    }
    const since = Number(rv);
    if (!Number.isInteger(since)) return 'expired';
    const changes = this.store.changesSince(since);
    if (changes === undefined) return 'expired';
    return changes.flatMap((change) => {
      const event = this.eventFor(request, change);
      return event ? [event] : [];
    });
  }

  /** The event a watcher sees for a change, if any: objects moving in or out of the selection appear as ADDED/DELETED. */
  private eventFor(request: WatchRequest, change: StoredChange): [WatchEventType, WireObject] | undefined {
    if (change.storageKey !== request.type.storageKey) return undefined;
    const matchesNow = change.type !== 'DELETED' && request.filter(change.object);
    const matchedBefore = change.previous !== undefined && request.filter(change.previous);
    if (change.type === 'DELETED') return matchedBefore ? ['DELETED', this.present(request.type, change.object)] : undefined;
    if (matchesNow && (change.type === 'ADDED' || !matchedBefore)) return ['ADDED', this.present(request.type, change.object)];
    if (matchesNow) return ['MODIFIED', this.present(request.type, change.object)];
    if (matchedBefore) return ['DELETED', this.present(request.type, change.object)];
    return undefined;
  }

  private present(type: ResourceType, stored: WireObject): WireObject {
    const object = type.fromStorage ? type.fromStorage(cloneWire(stored)) : cloneWire(stored);
    return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
  }

  private bookmark(type: ResourceType, annotations?: Record<string, string>): WireObject {
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.resourceVersion), creationTimestamp: null };
    if (annotations) metadata.annotations = annotations;
    return { kind: type.kind, apiVersion: apiVersionOf(type), metadata } as WireObject;
  }
}
