import { payloads, type FakeKubernetesApi } from './kubernetes-api/index.js';
import { SANDBOX_NAMESPACE } from './sandbox-scenarios.js';

/** The sandbox's healthy pod (the "A healthy pod" scenario), which the outage breaks and repairs. */
export const OUTAGE_POD = 'storefront-7b8c9d0e1-h2i3j';
export const OUTAGE_DEPLOYMENT = 'storefront';
const GOOD_IMAGE = 'shopacr.azurecr.io/shop/storefront:3.0';
/** A tag that was never pushed: the registry answers "not found". */
export const OUTAGE_IMAGE = 'shopacr.azurecr.io/shop/storefront:3.1';

/**
 * A bad rollout in the sandbox: the healthy storefront pod's image is set to a tag that does not exist, so it goes
 * into ImagePullBackOff with the kubelet's events, as `kubectl set image` would make it. For trying proactive alerts.
 */
export function breakOutagePod(kube: FakeKubernetesApi, now: Date): void {
  const pullError = payloads.pullErrors.notFound(OUTAGE_IMAGE);
  const pod = kube.upsertPod(
    payloads.imagePullBackOffPod({ namespace: SANDBOX_NAMESPACE, name: OUTAGE_POD, image: OUTAGE_IMAGE, ownerDeployment: OUTAGE_DEPLOYMENT, pullError, now }),
  );
  for (const event of payloads.imagePullEvents(pod, { pullError, now })) kube.addEvent(event);
}

/** The rollback: the pod runs its good image again. */
export function repairOutagePod(kube: FakeKubernetesApi, now: Date): void {
  kube.upsertPod(payloads.runningPod({ namespace: SANDBOX_NAMESPACE, name: OUTAGE_POD, image: GOOD_IMAGE, ownerDeployment: OUTAGE_DEPLOYMENT, now }));
}
