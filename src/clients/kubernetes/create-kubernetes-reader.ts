/**
 * KubernetesReader over @kubernetes/client-node: typed CoreV1Api calls with a per-request timeout, lists read
 * page by page, 404 on a single object as null, and every failure as a PullDoctorError (see kubernetes-errors).
 */
import { CoreV1Api, createConfiguration, ServerConfiguration, type KubeConfig, type Middleware, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { PullDoctorError } from '../../errors/index.js';
import { silentLogger, type Logger } from '../../logging/index.js';
import type { KubernetesReader } from './kubernetes-reader.js';
import { httpStatusOf, toKubernetesError, type KubernetesOperation } from './kubernetes-errors.js';

export interface KubernetesReaderOptions {
  log?: Logger;
  /** Per-request timeout (default 15 s): a slower answer is KUBE_UNREACHABLE. */
  timeoutMs?: number;
  /** Page size for lists (default 500, as kubectl). */
  pageSize?: number;
}

/** Lists stop after this many pages: a server that keeps sending continue tokens is not followed forever. */
const MAX_PAGES = 50;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Names Kubernetes can never have cannot exist: answer "not found" without asking (and without odd URLs). */
const validNamespace = (name: string) => name.length <= 63 && DNS_LABEL.test(name);
const validObjectName = (name: string) => name.length <= 253 && DNS_SUBDOMAIN.test(name);

/** Field selector values escape `\`, `,` and `=` (k8s.io/apimachinery/pkg/fields.EscapeValue). */
export function escapeFieldSelectorValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    post: async (context: ResponseContext) => context,
  };
}

export function createKubernetesReader(kubeConfig: KubeConfig, options: KubernetesReaderOptions = {}): KubernetesReader {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new PullDoctorError('KUBECONFIG_INVALID', 'The kubeconfig has no current cluster.');
  const log = (options.log ?? silentLogger()).child({ component: 'kubernetes', server: cluster.server });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = options.pageSize ?? 500;
  const core = new CoreV1Api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [timeoutMiddleware(timeoutMs)],
    }),
  );

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

  const listAll = async <T>(op: KubernetesOperation, page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> =>
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

    async namespaceExists(namespace) {
      if (!validNamespace(namespace)) return false;
      const found = await readOne({ verb: 'get', resource: 'namespaces', namespace, name: namespace }, () => core.readNamespace({ name: namespace }));
      return found !== null;
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
      return readOne({ verb: 'get', resource: 'serviceaccounts', namespace, name }, () => core.readNamespacedServiceAccount({ namespace, name }));
    },

    async readSecret(namespace, name) {
      if (!validNamespace(namespace) || !validObjectName(name)) return null;
      return readOne({ verb: 'get', resource: 'secrets', namespace, name }, () => core.readNamespacedSecret({ namespace, name }));
    },
  };
  return cluster.name ? { ...reader, clusterName: cluster.name } : reader;
}
