import type { CoreV1Event, V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';

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
  namespaceExists(namespace: string): Promise<boolean>;
  /** Events whose involvedObject is this pod (by name, and by uid when given). */
  listPodEvents(namespace: string, pod: { name: string; uid?: string }): Promise<CoreV1Event[]>;
  readServiceAccount(namespace: string, name: string): Promise<V1ServiceAccount | null>;
  /** The secret, data included: callers must never let its values leave the process. */
  readSecret(namespace: string, name: string): Promise<V1Secret | null>;
}
