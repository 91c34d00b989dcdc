/**
 * Everything the diagnosis reads from a Kubernetes cluster (KubernetesReader), its implementation over
 * @kubernetes/client-node, and how what the client throws becomes a PullDoctorError with a stable code. Tests drive
 * the implementation against the fake API server in src/sandbox/kubernetes-api/.
 */
import { ApiException } from '@kubernetes/client-node';
import type { CoreV1Event, KubeConfig, V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { isPullDoctorError, PullDoctorError } from '../../errors/index.js';
import { silentLogger, type Logger } from '../../logging/index.js';
import { coreV1Api } from './kubernetes-apis.js';
import { isDnsLabel, isDnsSubdomain } from './kubernetes-names.js';

/**
 * Everything the diagnosis reads from a Kubernetes cluster. Implemented over @kubernetes/client-node
 * (`createKubernetesReader`); tests drive that implementation against the fake API server in
 * src/sandbox/kubernetes-api/.
 *
 * Failures are thrown as PullDoctorError with codes KUBE_UNREACHABLE, KUBE_UNAUTHORIZED, KUBE_FORBIDDEN or
 * KUBE_API_ERROR; a 404 on a single object is `null`, not an error.
 */
export interface KubernetesReader {
  /** The API server URL, e.g. `https://shop-aks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443`. */
  readonly server: string;
  /** The kubeconfig cluster entry name (for AKS, the managed cluster's name), when known. */
  readonly clusterName?: string;

  readPod(namespace: string, name: string): Promise<V1Pod | null>;
  /** Pods of a namespace (names and status), used to suggest similar names when a pod is not found. */
  listPods(namespace: string): Promise<V1Pod[]>;
  /** Every namespace's pods (what is failing in the whole cluster). */
  listPodsInAllNamespaces(): Promise<V1Pod[]>;
  namespaceExists(namespace: string): Promise<boolean>;
  /**
   * The namespaces that have a pod of this name, at most `limit`: one list call across namespaces, filtered by the API
   * server on the name (`fieldSelector=metadata.name=NAME`), so it costs one small answer however big the cluster.
   */
  namespacesWithPod(name: string, limit: number): Promise<string[]>;
  /** Events whose involvedObject is this pod (by name, and by uid when given). */
  listPodEvents(namespace: string, pod: { name: string; uid?: string }): Promise<CoreV1Event[]>;
  readServiceAccount(namespace: string, name: string): Promise<V1ServiceAccount | null>;
  /** The secret, data included: callers must never let its values leave the process. */
  readSecret(namespace: string, name: string): Promise<V1Secret | null>;
}

/**
 * KubernetesReader over @kubernetes/client-node: typed CoreV1Api calls with a per-request timeout, lists read
 * page by page, 404 on a single object as null, and every failure as a PullDoctorError (see toKubernetesError below).
 */

export interface KubernetesReaderOptions {
  log?: Logger;
  /** Per-request timeout (default 15 s): a slower answer is KUBE_UNREACHABLE. */
  timeoutMs?: number;
  /** Page size for lists (default 500, as kubectl). */
  pageSize?: number;
}

/** Lists stop after this many pages: a server that keeps sending continue tokens is not followed forever. */
const MAX_PAGES = 50;

/** Names Kubernetes can never have cannot exist: answer "not found" without asking (and without odd URLs). */
const validNamespace = isDnsLabel;
const validObjectName = isDnsSubdomain;

/** Field selector values escape `\`, `,` and `=` (k8s.io/apimachinery/pkg/fields.EscapeValue). */
function escapeFieldSelectorValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

export function createKubernetesReader(kubeConfig: KubeConfig, options: KubernetesReaderOptions = {}): KubernetesReader {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new PullDoctorError('KUBECONFIG_INVALID', 'The kubeconfig has no current cluster.');
  const log = (options.log ?? silentLogger()).child({ component: 'kubernetes', server: cluster.server });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = options.pageSize ?? 500;
  const core = coreV1Api(kubeConfig, timeoutMs);

  const call = async <T>(op: KubernetesOperation, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const result = await run();
      log.debug('kubernetes call', { ...op, ms: Date.now() - started });
      return result;
    } catch (error) {
      const failure = toKubernetesError(error, op, { server: cluster.server, timeoutMs });
      log.warn('kubernetes call failed', { ...op, ms: Date.now() - started, code: failure.code, ...failure.facts });
      throw failure;
    }
  };

  /** A single object, or null when the server says 404. */
  const readOne = async <T>(op: KubernetesOperation, run: () => Promise<T>): Promise<T | null> =>
    call(op, async () => {
      try {
        return await run();
      } catch (error) {
        if (httpStatusOf(error) === 404) return null;
        throw error;
      }
    });

  const listAll = async <T>(
    op: KubernetesOperation,
    page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
  ): Promise<T[]> =>
    call(op, async () => {
      const items: T[] = [];
      let cont: string | undefined;
      for (let n = 0; n < MAX_PAGES; n++) {
        const result = await page(cont);
        items.push(...result.items);
        cont = result.metadata?._continue;
        if (!cont) return items;
      }
      log.warn('kubernetes list truncated', { ...op, pages: MAX_PAGES, items: items.length });
      return items;
    });

  const reader: KubernetesReader = {
    server: cluster.server,

    async readPod(namespace, name) {
      if (!validNamespace(namespace) || !validObjectName(name)) return null;
      return readOne({ verb: 'get', resource: 'pods', namespace, name }, () => core.readNamespacedPod({ namespace, name }));
    },

    async listPods(namespace) {
      if (!validNamespace(namespace)) return [];
      return listAll<V1Pod>({ verb: 'list', resource: 'pods', namespace }, (cont) =>
        core.listNamespacedPod({ namespace, limit: pageSize, ...(cont ? { _continue: cont } : {}) }),
      );
    },

    async listPodsInAllNamespaces() {
      return listAll<V1Pod>({ verb: 'list', resource: 'pods' }, (cont) =>
        core.listPodForAllNamespaces({ limit: pageSize, ...(cont ? { _continue: cont } : {}) }),
      );
    },

    async namespaceExists(namespace) {
      if (!validNamespace(namespace)) return false;
      const found = await readOne({ verb: 'get', resource: 'namespaces', namespace, name: namespace }, () =>
        core.readNamespace({ name: namespace }),
      );
      return found !== null;
    },

    async namespacesWithPod(name, limit) {
      if (!validObjectName(name) || limit < 1) return [];
      const list = await call({ verb: 'list', resource: 'pods' }, () =>
        core.listPodForAllNamespaces({ fieldSelector: `metadata.name=${escapeFieldSelectorValue(name)}`, limit }),
      );
      const namespaces = list.items.flatMap((p) => (p.metadata?.namespace ? [p.metadata.namespace] : []));
      return [...new Set(namespaces)].slice(0, limit);
    },

    async listPodEvents(namespace, pod) {
      if (!validNamespace(namespace) || !validObjectName(pod.name)) return [];
      const selectors = [`involvedObject.kind=Pod`, `involvedObject.name=${escapeFieldSelectorValue(pod.name)}`];
      if (pod.uid) selectors.push(`involvedObject.uid=${escapeFieldSelectorValue(pod.uid)}`);
      const fieldSelector = selectors.join(',');
      return listAll<CoreV1Event>({ verb: 'list', resource: 'events', namespace }, (cont) =>
        core.listNamespacedEvent({ namespace, fieldSelector, limit: pageSize, ...(cont ? { _continue: cont } : {}) }),
      );
    },

    async readServiceAccount(namespace, name) {
      if (!validNamespace(namespace) || !validObjectName(name)) return null;
      return readOne({ verb: 'get', resource: 'serviceaccounts', namespace, name }, () =>
        core.readNamespacedServiceAccount({ namespace, name }),
      );
    },

    async readSecret(namespace, name) {
      if (!validNamespace(namespace) || !validObjectName(name)) return null;
      return readOne({ verb: 'get', resource: 'secrets', namespace, name }, () => core.readNamespacedSecret({ namespace, name }));
    },
  };
  return cluster.name ? { ...reader, clusterName: cluster.name } : reader;
}

/**
 * Turns what @kubernetes/client-node throws into PullDoctorErrors with stable codes:
 *   - connection refused, DNS failures, resets, timeouts, TLS trust failures -> KUBE_UNREACHABLE
 *   - 401 -> KUBE_UNAUTHORIZED; 403 -> KUBE_FORBIDDEN naming the verb, resource and the RBAC rule that is missing
 *   - anything else -> KUBE_API_ERROR
 * Messages carry the server's Status message (never a request header or token); the original error stays in `cause`.
 */

/** What we were doing when it failed: a Kubernetes verb on a resource. */
export interface KubernetesOperation {
  verb: 'get' | 'list' | 'watch';
  /** Plural resource, e.g. `pods`. */
  resource: string;
  /** API group, '' for core. */
  apiGroup?: string | undefined;
  namespace?: string | undefined;
  name?: string | undefined;
}

interface ServerStatus {
  message?: string;
  reason?: string;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

function describeOperation(op: KubernetesOperation): string {
  const what = op.name ? `${op.resource} "${op.name}"` : op.resource;
  return op.namespace ? `${op.verb} ${what} in namespace "${op.namespace}"` : `${op.verb} ${what}`;
}

/** The RBAC rule that would allow the operation, in the words of a Role manifest. */
function missingRule(op: KubernetesOperation): string {
  const rule = `apiGroups: ["${op.apiGroup ?? ''}"], resources: ["${op.resource}"], verbs: ["${op.verb}"]`;
  const scope = op.namespace
    ? `a Role in namespace "${op.namespace}" (or a ClusterRole) bound to Pull Doctor's identity`
    : "a ClusterRole bound to Pull Doctor's identity";
  return `Grant Pull Doctor's identity "${op.verb}" on "${op.resource}" with ${scope}: ${rule}. See infra/k8s/ for the complete role.`;
}

function serverStatus(body: unknown): ServerStatus {
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: unknown; reason?: unknown };
    if (parsed?.kind !== 'Status') return {};
    const status: ServerStatus = {};
    if (typeof parsed.message === 'string') status.message = parsed.message.slice(0, 500);
    if (typeof parsed.reason === 'string') status.reason = parsed.reason.slice(0, 100);
    return status;
  } catch {
    return {};
  }
}

/** The HTTP status of a failed call, when the server answered. */
function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException && typeof error.code === 'number' ? error.code : undefined;
}

export interface ErrorContext {
  server: string;
  timeoutMs: number;
}

export function toKubernetesError(error: unknown, op: KubernetesOperation, context: ErrorContext): PullDoctorError {
  if (isPullDoctorError(error)) return error;
  const doing = describeOperation(op);
  const status = httpStatusOf(error);

  if (status !== undefined) {
    const server = serverStatus((error as ApiException<unknown>).body);
    const facts: Record<string, string | number> = { status, server: context.server, verb: op.verb, resource: op.resource };
    if (server.reason) facts.reason = server.reason;
    const said = server.message ? `: ${server.message}` : '';
    if (status === 401) {
      return new PullDoctorError(
        'KUBE_UNAUTHORIZED',
        `The Kubernetes API server ${context.server} rejected Pull Doctor's credentials (401) when trying to ${doing}.`,
        { cause: error, facts },
      );
    }
    if (status === 403) {
      return new PullDoctorError('KUBE_FORBIDDEN', `Pull Doctor is not allowed to ${doing}${said}`, {
        cause: error,
        facts,
        advice: missingRule(op),
      });
    }
    return new PullDoctorError(
      'KUBE_API_ERROR',
      `The Kubernetes API server answered ${status}${server.reason ? ` ${server.reason}` : ''} when trying to ${doing}${said}`,
      { cause: error, facts },
    );
  }

  const e = error as { name?: string; type?: string; code?: unknown; errno?: unknown };
  if (e?.name === 'AbortError' || e?.type === 'aborted' || e?.type === 'request-timeout') {
    return new PullDoctorError(
      'KUBE_UNREACHABLE',
      `The Kubernetes API server ${context.server} did not answer within ${context.timeoutMs} ms (trying to ${doing}).`,
      {
        cause: error,
        facts: { server: context.server, timeoutMs: context.timeoutMs },
      },
    );
  }
  const code = typeof e?.code === 'string' ? e.code : typeof e?.errno === 'string' ? e.errno : undefined;
  if (code !== undefined && TLS_CODES.has(code)) {
    return new PullDoctorError(
      'KUBE_UNREACHABLE',
      `The TLS certificate of the Kubernetes API server ${context.server} is not trusted (${code}).`,
      {
        cause: error,
        facts: { server: context.server, code },
        advice:
          "Check the cluster's certificate-authority-data in the kubeconfig (re-run `az aks get-credentials`), and that no proxy intercepts TLS.",
      },
    );
  }
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || code.startsWith('UND_ERR'))) {
    return new PullDoctorError(
      'KUBE_UNREACHABLE',
      `The Kubernetes API server ${context.server} cannot be reached (${code}) when trying to ${doing}.`,
      {
        cause: error,
        facts: { server: context.server, code },
      },
    );
  }
  if (code === 'ENOENT' || code === 'EACCES') {
    return new PullDoctorError(
      'KUBECONFIG_INVALID',
      `A file the kubeconfig refers to (token, certificate or key) cannot be read (${code}).`,
      { cause: error, facts: { code } },
    );
  }
  return new PullDoctorError(
    'KUBE_API_ERROR',
    `Reading from the Kubernetes API server ${context.server} failed unexpectedly when trying to ${doing}.`,
    {
      cause: error,
      facts: { server: context.server },
    },
  );
}
