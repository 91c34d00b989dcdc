import type { Check } from '../check.js';
import { podStateCheck } from './pod-state.js';
import { pullErrorCheck } from './pull-error.js';
import { eventsCheck } from './events.js';
import { imageReferenceCheck } from './image-reference.js';
import { pullSecretsCheck } from './pull-secrets.js';
import { registryDnsCheck } from './registry-dns.js';
import { registryEndpointCheck } from './registry-endpoint.js';
import { imageExistsCheck } from './image-exists.js';
import { aksClusterCheck } from './aks-cluster.js';
import { acrRegistryCheck } from './acr-registry.js';
import { acrPullRoleCheck } from './acr-pull-role.js';
import { acrNetworkCheck } from './acr-network.js';

/**
 * Every check, in the order their findings are reported: the pod's state, the cause, the evidence from the
 * cluster, then the registry connectivity checks of Microsoft's AKS guide, then Azure.
 */
export const ALL_CHECKS: readonly Check[] = [
  podStateCheck,
  pullErrorCheck,
  eventsCheck,
  imageReferenceCheck,
  pullSecretsCheck,
  registryDnsCheck,
  registryEndpointCheck,
  imageExistsCheck,
  aksClusterCheck,
  acrRegistryCheck,
  acrPullRoleCheck,
  acrNetworkCheck,
];
