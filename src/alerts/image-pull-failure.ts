import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { IMAGE_PULL_REASONS } from '../diagnosis/pod-state/analyze-pod-state.js';

/** One container (or init container) of a pod waiting because its image cannot be pulled. */
export interface ImagePullFailure {
  container: string;
  initContainer: boolean;
  image: string;
  reason: string;
}

/**
 * The containers and init containers of a pod waiting in ErrImagePull or ImagePullBackOff. Works on what the
 * informer hands over: typed objects from a list and plain JSON from a watch. A pod being deleted fails nothing.
 */
export function imagePullFailures(pod: V1Pod): ImagePullFailure[] {
  if (pod.metadata?.deletionTimestamp) return [];
  const failures: ImagePullFailure[] = [];
  const collect = (statuses: V1ContainerStatus[] | undefined, initContainer: boolean) => {
    for (const status of statuses ?? []) {
      const reason = status.state?.waiting?.reason;
      if (reason === undefined || !IMAGE_PULL_REASONS.has(reason)) continue;
      const specs = initContainer ? pod.spec?.initContainers : pod.spec?.containers;
      const image = specs?.find((c) => c.name === status.name)?.image ?? status.image ?? '';
      failures.push({ container: status.name, initContainer, image, reason });
    }
  };
  collect(pod.status?.initContainerStatuses, true);
  collect(pod.status?.containerStatuses, false);
  return failures;
}
