/**
 * Objects as they travel over the wire: JSON with RFC 3339 timestamps as strings. The @kubernetes/client-node
 * model classes describe the same shapes but with `Date` fields (they are what the client deserializes into);
 * `Wire<T>` turns such a model into its JSON form so builders and the store stay typed.
 */
import type {
  CoreV1Event,
  V1Deployment,
  V1Lease,
  V1Namespace,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V1Secret,
  V1ServiceAccount,
} from '@kubernetes/client-node';

export type Wire<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;

export type WireObjectMeta = Wire<V1ObjectMeta>;
export type WireNamespace = Wire<V1Namespace>;
export type WirePod = Wire<V1Pod>;
export type WireEvent = Wire<CoreV1Event>;
export type WireServiceAccount = Wire<V1ServiceAccount>;
export type WireSecret = Wire<V1Secret>;
export type WireLease = Wire<V1Lease>;
export type WireReplicaSet = Wire<V1ReplicaSet>;
export type WireDeployment = Wire<V1Deployment>;

/** Any Kubernetes object in its JSON form. */
export interface WireObject {
  apiVersion?: string;
  kind?: string;
  metadata?: WireObjectMeta;
  [field: string]: unknown;
}

/** A deep copy that shares nothing with the original (objects in the store are never handed out by reference). */
export function cloneWire<T>(value: T): T {
  return structuredClone(value);
}
