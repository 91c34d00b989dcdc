/**
 * A Kubernetes API server in a box: HTTPS, the real wire format (objects, lists, Status, watch streams,
 * discovery, tables), authentication by bearer token or client certificate, RBAC-like authorization, and
 * handles to change its state and inject faults. Driven by the real @kubernetes/client-node and kubectl in
 * tests; served by the product's sandbox mode.
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthOptions } from './authentication.js';
import type { PolicyRule } from './authorization.js';
import { DEFAULT_SERVER_VERSION, type ServerVersion } from './discovery.js';
import { kubeconfigYaml } from './kubeconfig-yaml.js';
import { ResourceHandlers } from './resource-handlers.js';
import { ResourceStore } from './resource-store.js';
import { apiVersionOf, namespacedStorageKeys, resourceTypeOfObject, storageTypeFor } from './resource-types.js';
import { createRouter, type RawAnswer, type RecordedRequest } from './router.js';
import { statusForCode, type StatusObject } from './status.js';
import { WatchHub } from './watch-hub.js';
import {
  cloneWire,
  type WireDeployment,
  type WireEvent,
  type WireLease,
  type WireNamespace,
  type WireObject,
  type WirePod,
  type WireReplicaSet,
  type WireSecret,
  type WireServiceAccount,
} from './wire.js';

export interface FakeKubernetesApiOptions {
  /** Server certificate and key (PEM); `ca` is the CA that signed them, written into generated kubeconfigs. */
  tls: { cert: string; key: string; ca?: string };
  host?: '127.0.0.1' | undefined;
  /** 0 (default) lets the OS choose. */
  port?: number | undefined;
  /** Delay before every answer; can be changed later through `latencyMs`. */
  latencyMs?: number | undefined;
  /** Without it, every caller is accepted (as system:anonymous). */
  auth?: AuthOptions | undefined;
  /** RBAC rules every caller is bound to; without, everything is allowed. */
  authorizationRules?: PolicyRule[] | undefined;
  /** What /version reports. */
  version?: Partial<ServerVersion> | undefined;
  bookmarkIntervalMs?: number | undefined;
  /** How many changes watches can resume from before a resourceVersion is "too old" (default 1000). */
  watchHistoryLimit?: number | undefined;
  /** How many requests `requests` keeps, oldest dropped first (default 10000; the sandbox runs for long). */
  requestLogLimit?: number | undefined;
  now?: (() => Date) | undefined;
}

/** Limits a failNext to some requests, e.g. `{ verb: 'get', resource: 'secrets' }`. */
export interface RequestMatch {
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
}

export interface KubeconfigOptions {
  token?: string;
  clientCert?: string;
  clientKey?: string;
  namespace?: string;
  clusterName?: string;
  contextName?: string;
  /** Override the server URL (e.g. a host name covered by the test certificate). */
  server?: string;
}

export interface FakeKubernetesApi {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Delay before every answer, in milliseconds; settable at any time. */
  latencyMs: number;
  /** Every request received, in order (the newest `requestLogLimit`). */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** The cluster's current resourceVersion. */
  readonly resourceVersion: number;
  readonly openWatchCount: number;

  addNamespace(namespace: string | WireNamespace): WireNamespace;
  deleteNamespace(name: string): boolean;
  upsertPod(pod: WirePod): WirePod;
  deletePod(namespace: string, name: string): boolean;
  getPod(namespace: string, name: string): WirePod | undefined;
  addEvent(event: WireEvent): WireEvent;
  deleteEvent(namespace: string, name: string): boolean;
  upsertServiceAccount(serviceAccount: WireServiceAccount): WireServiceAccount;
  upsertSecret(secret: WireSecret): WireSecret;
  deleteSecret(namespace: string, name: string): boolean;
  upsertLease(lease: WireLease): WireLease;
  getLease(namespace: string, name: string): WireLease | undefined;
  upsertReplicaSet(replicaSet: WireReplicaSet): WireReplicaSet;
  upsertDeployment(deployment: WireDeployment): WireDeployment;
  /** Any served object, by its apiVersion and kind. Namespaced objects create their namespace if needed. */
  upsert<T extends WireObject>(object: T): T;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): WireObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): WireObject[];
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Forget the change history: watches resuming from an older resourceVersion get 410 Expired. */
  compactHistory(): void;

  /** Replace the RBAC rules (undefined: allow everything). */
  setAuthorizationRules(rules: PolicyRule[] | undefined): void;

  /** The next `count` requests (matching `match`, if given) fail with `status` (a Status object with the real reason). */
  failNext(count: number, status: number, match?: RequestMatch): void;
  /** The next `count` requests (matching `match`) get this raw answer: malformed JSON, a proxy's HTML page... */
  answerNext(count: number, answer: RawAnswer, match?: RequestMatch): void;
  /** Down: open connections are cut and new ones refused (the port stops listening). Up: listen again on the same port. */
  setDown(down: boolean): Promise<void>;
  /** End every open watch stream cleanly, as the API server does on its watch timeout. */
  dropWatches(): void;
  /** Send every open watch ERROR 410 Expired and end it. */
  expireWatches(): void;
  /** Send a BOOKMARK to watches that allow them. */
  sendBookmarks(): void;

  /** A kubeconfig for this server (CA data from `tls.ca`). */
  kubeconfig(options?: KubeconfigOptions): string;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function matches(match: RequestMatch | undefined, request: RecordedRequest): boolean {
  if (!match) return true;
  return (
    (match.verb === undefined || match.verb === request.verb) &&
    (match.resource === undefined || match.resource === request.resource) &&
    (match.namespace === undefined || match.namespace === request.namespace) &&
    (match.name === undefined || match.name === request.name)
  );
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function startFakeKubernetesApi(options: FakeKubernetesApiOptions): Promise<FakeKubernetesApi> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const storeOptions: ConstructorParameters<typeof ResourceStore>[0] = { now };
  if (options.watchHistoryLimit !== undefined) storeOptions.historyLimit = options.watchHistoryLimit;
  const store = new ResourceStore(storeOptions);
  const hubOptions: ConstructorParameters<typeof WatchHub>[1] = {};
  if (options.bookmarkIntervalMs !== undefined) hubOptions.bookmarkIntervalMs = options.bookmarkIntervalMs;
  const hub = new WatchHub(store, hubOptions);
  const handlers = new ResourceHandlers({ store, now });
  const requests: RecordedRequest[] = [];
  const injected: Array<{ remaining: number; answer: number | RawAnswer; match?: RequestMatch }> = [];
  const inject = (count: number, answer: number | RawAnswer, match?: RequestMatch) => {
    if (count <= 0) return;
    const entry: { remaining: number; answer: number | RawAnswer; match?: RequestMatch } = { remaining: count, answer };
    if (match !== undefined) entry.match = match;
    injected.push(entry);
  };
  const sockets = new Set<Socket>();
  const pending = new AbortController();
  let rules = options.authorizationRules;
  let latencyMs = options.latencyMs ?? 0;
  let down = false;
  let port = options.port ?? 0;
  const requestLogLimit = options.requestLogLimit ?? 10_000;

  const router = createRouter({
    handlers,
    hub,
    auth: options.auth,
    version: { ...DEFAULT_SERVER_VERSION, ...options.version },
    authorizationRules: () => rules,
    serverAddress: () => `${host}:${port}`,
    record: (request) => {
      requests.push(request);
      if (requests.length > requestLogLimit) requests.splice(0, requests.length - requestLogLimit);
    },
    takeInjectedFailure(request): StatusObject | RawAnswer | undefined {
      const entry = injected.find((e) => matches(e.match, request));
      if (!entry) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) injected.splice(injected.indexOf(entry), 1);
      return typeof entry.answer === 'number' ? statusForCode(entry.answer) : entry.answer;
    },
    latencyMs: () => latencyMs,
    delay: (ms) => sleep(ms, undefined, { signal: pending.signal }),
  });

  const serverOptions: Parameters<typeof createServer>[0] = { cert: options.tls.cert, key: options.tls.key };
  if (options.auth?.clientCa !== undefined)
    Object.assign(serverOptions, { requestCert: true, rejectUnauthorized: false, ca: options.auth.clientCa });
  const server = createServer(serverOptions, (req, res) => {
    router(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);

  await listen(server, port, host);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake Kubernetes API did not get a TCP port');
  port = address.port;
  const url = `https://${host}:${port}`;

  const stopListening = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  const ensureNamespace = (name: string | undefined) => {
    if (name !== undefined && !store.get('namespaces', undefined, name)) {
      store.put('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  };

  const upsert = <T extends WireObject>(object: T): T => {
    const type = resourceTypeOfObject(object);
    if (!type) throw new Error(`the fake Kubernetes API does not serve ${object.apiVersion} ${object.kind}`);
    if (!object.metadata?.name) throw new Error(`${object.kind} needs metadata.name`);
    if (type.namespaced) {
      if (!object.metadata.namespace) throw new Error(`${object.kind} ${object.metadata.name} needs metadata.namespace`);
      ensureNamespace(object.metadata.namespace);
    }
    const storage = storageTypeFor(type.storageKey);
    const stored = type.toStorage ? type.toStorage(cloneWire(object)) : cloneWire(object);
    const previous = store.get(type.storageKey, object.metadata.namespace, object.metadata.name);
    const metadata = { ...stored.metadata };
    // the state API is the cluster's controllers, not a client: it never conflicts
    delete metadata.resourceVersion;
    const previousUid = previous?.metadata?.uid;
    if (metadata.uid === undefined && previousUid !== undefined) metadata.uid = previousUid;
    const saved = store.put(type.storageKey, { ...stored, apiVersion: apiVersionOf(storage), kind: storage.kind, metadata });
    return (type.fromStorage ? type.fromStorage(saved) : saved) as T;
  };

  const typeFor = (apiVersion: string, kind: string) => {
    const type = resourceTypeOfObject({ apiVersion, kind });
    if (!type) throw new Error(`the fake Kubernetes API does not serve ${apiVersion} ${kind}`);
    return type;
  };
  const get = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => {
    const type = typeFor(apiVersion, kind);
    const stored = store.get(type.storageKey, type.namespaced ? namespace : undefined, name);
    return stored && (type.fromStorage ? type.fromStorage(stored) : stored);
  };
  const remove = (apiVersion: string, kind: string, namespace: string | undefined, name: string) => {
    const type = typeFor(apiVersion, kind);
    return store.remove(type.storageKey, type.namespaced ? namespace : undefined, name) !== undefined;
  };

  for (const name of SYSTEM_NAMESPACES) ensureNamespace(name);

  const api: FakeKubernetesApi = {
    url,
    port,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(ms: number) {
      latencyMs = ms;
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    get resourceVersion() {
      return store.resourceVersion;
    },
    get openWatchCount() {
      return hub.openWatchCount;
    },

    addNamespace(namespace) {
      const object: WireNamespace =
        typeof namespace === 'string'
          ? {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } },
              spec: { finalizers: ['kubernetes'] },
              status: { phase: 'Active' },
            }
          : namespace;
      return upsert(object as WireObject) as WireNamespace;
    },
    deleteNamespace(name) {
      for (const t of namespacedStorageKeys()) {
        for (const o of store.list(t, name)) store.remove(t, name, o.metadata!.name!);
      }
      return store.remove('namespaces', undefined, name) !== undefined;
    },
    upsertPod: (pod) => upsert({ apiVersion: 'v1', kind: 'Pod', ...pod } as WireObject) as WirePod,
    deletePod: (namespace, name) => remove('v1', 'Pod', namespace, name),
    getPod: (namespace, name) => get('v1', 'Pod', namespace, name) as WirePod | undefined,
    addEvent: (event) => upsert({ apiVersion: 'v1', kind: 'Event', ...event } as WireObject) as WireEvent,
    deleteEvent: (namespace, name) => remove('v1', 'Event', namespace, name),
    upsertServiceAccount: (sa) => upsert({ apiVersion: 'v1', kind: 'ServiceAccount', ...sa } as WireObject) as WireServiceAccount,
    upsertSecret: (secret) => upsert({ apiVersion: 'v1', kind: 'Secret', ...secret } as WireObject) as WireSecret,
    deleteSecret: (namespace, name) => remove('v1', 'Secret', namespace, name),
    upsertLease: (lease) => upsert({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease } as WireObject) as WireLease,
    getLease: (namespace, name) => get('coordination.k8s.io/v1', 'Lease', namespace, name) as WireLease | undefined,
    upsertReplicaSet: (rs) => upsert({ apiVersion: 'apps/v1', kind: 'ReplicaSet', ...rs } as WireObject) as WireReplicaSet,
    upsertDeployment: (d) => upsert({ apiVersion: 'apps/v1', kind: 'Deployment', ...d } as WireObject) as WireDeployment,
    upsert,
    get,
    list(apiVersion, kind, namespace) {
      const type = typeFor(apiVersion, kind);
      return store.list(type.storageKey, type.namespaced ? namespace : undefined).map((o) => (type.fromStorage ? type.fromStorage(o) : o));
    },
    remove,
    compactHistory: () => store.compact(),

    setAuthorizationRules(next) {
      rules = next;
    },

    failNext: (count, status, match) => inject(count, status, match),
    answerNext: (count, answer, match) => inject(count, answer, match),
    async setDown(next) {
      if (next === down) return;
      down = next;
      if (down) await stopListening();
      else await listen(server, port, host);
    },
    dropWatches: () => hub.dropAll(),
    expireWatches: () => hub.expireAll(),
    sendBookmarks: () => hub.sendBookmarks(),

    kubeconfig(k = {}) {
      const config: Parameters<typeof kubeconfigYaml>[0] = { server: k.server ?? url };
      if (options.tls.ca !== undefined) config.caPem = options.tls.ca;
      if (k.token !== undefined) config.token = k.token;
      if (k.clientCert !== undefined) config.clientCertPem = k.clientCert;
      if (k.clientKey !== undefined) config.clientKeyPem = k.clientKey;
      if (k.namespace !== undefined) config.namespace = k.namespace;
      if (k.clusterName !== undefined) config.clusterName = k.clusterName;
      if (k.contextName !== undefined) config.contextName = k.contextName;
      return kubeconfigYaml(config);
    },
    async close() {
      pending.abort();
      hub.dropAll();
      if (!down) await stopListening();
      down = true;
    },
  };
  return api;
}
