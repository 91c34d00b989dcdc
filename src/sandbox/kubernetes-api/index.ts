export {
  startFakeKubernetesApi,
  type FakeKubernetesApi,
  type FakeKubernetesApiOptions,
  type KubeconfigOptions,
  type RequestMatch,
} from './fake-kubernetes-api.js';
export type { RawAnswer, RecordedRequest } from './router.js';
export type { AuthOptions, BearerTokenIdentity } from './authentication.js';
export type { PolicyRule } from './authorization.js';
export type { ServerVersion } from './discovery.js';
export type { StatusObject } from './status.js';
export { KUBERNETES_VERBS, type KubernetesVerb } from './resource-types.js';
export type {
  Wire,
  WireObject,
  WireNamespace,
  WirePod,
  WireEvent,
  WireServiceAccount,
  WireSecret,
  WireLease,
  WireReplicaSet,
  WireDeployment,
} from './wire.js';
export * as payloads from './payloads/index.js';
