import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  createConfiguration,
  makeInformer,
  ServerConfiguration,
  V1MicroTime,
  type Informer,
  type KubeConfig,
  type Middleware,
  type RequestContext,
  type ResponseContext,
  type V1Pod,
} from '@kubernetes/client-node';

/**
 * The typed API clients of @kubernetes/client-node for the kubeconfig's current cluster, every request bounded by a
 * timeout: the one place outside the reader where the Kubernetes SDK is constructed (the alerts' pod informer and
 * lease calls). A slower answer aborts with an AbortError, which `toKubernetesError` maps like the reader's.
 */
export type KubernetesApi = 'core' | 'coordination';

/** A promise middleware that aborts each request after `timeoutMs`. */
function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    pre: async (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return context;
    },
    post: async (context: ResponseContext) => context,
  };
}

function configuration(kubeConfig: KubeConfig, timeoutMs: number) {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [timeoutMiddleware(timeoutMs)],
  });
}

/** CoreV1Api (pods, events, secrets, service accounts, namespaces) for the current cluster. */
export function coreV1Api(kubeConfig: KubeConfig, timeoutMs: number): CoreV1Api {
  return new CoreV1Api(configuration(kubeConfig, timeoutMs));
}

/** CoordinationV1Api (leases) for the current cluster. */
export function coordinationV1Api(kubeConfig: KubeConfig, timeoutMs: number): CoordinationV1Api {
  return new CoordinationV1Api(configuration(kubeConfig, timeoutMs));
}

/**
 * An informer of the pods of one namespace (or of every namespace): list, then watch from the list's resourceVersion.
 * Its list call is bounded by `listTimeoutMs`; the watch is a long-lived stream and is not.
 */
export function podInformer(kubeConfig: KubeConfig, namespace: string | undefined, listTimeoutMs: number): Informer<V1Pod> {
  const core = coreV1Api(kubeConfig, listTimeoutMs);
  return namespace === undefined
    ? makeInformer<V1Pod>(kubeConfig, '/api/v1/pods', () => core.listPodForAllNamespaces())
    : makeInformer<V1Pod>(kubeConfig, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }));
}

/** True when the API server answered with this HTTP status (404 Not Found, 409 Conflict…). */
export function isApiStatus(error: unknown, status: number): boolean {
  return error instanceof ApiException && error.code === status;
}

/** A `MicroTime` (leases' acquire and renew times) for a time in milliseconds. */
export function microTime(ms: number): V1MicroTime {
  return new V1MicroTime(ms);
}
