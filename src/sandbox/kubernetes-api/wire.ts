/**
 * Objects as they travel over the wire: JSON with RFC 3339 timestamps as strings. The @kubernetes/client-node
 * model classes describe the same shapes but with `Date` fields (they are what the client deserializes into);
 * `Wire<T>` turns such a model into its JSON form so builders and the store stay typed.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export type Wire<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { -readonly [K in keyof T]: Wire<T[K]> }
      : T;

export type WireObjectMeta = Wire<V1ObjectMeta>;

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
