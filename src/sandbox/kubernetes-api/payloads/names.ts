/**
 * Names and ids the way a cluster makes them, but deterministic (derived from a seed) so that fixtures are
 * stable: `web-7d4c9b8f6d` (Deployment -> ReplicaSet, pod-template-hash), `web-7d4c9b8f6d-x2kqp` (ReplicaSet ->
 * Pod), `web-7d4c9b8f6d-x2kqp.17f3a8c2b9d4e5f1` (event names), v4-shaped uids, AKS node names.
 */
import { createHash } from 'node:crypto';

/** The alphabet of k8s.io/apimachinery/pkg/util/rand.SafeEncodeString (no vowels, no confusable digits). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

export function safeString(seed: string, length: number): string {
  return [...digest(seed)]
    .slice(0, length)
    .map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length])
    .join('');
}

/** A pod-template-hash such as `7d4c9b8f6d` (10 characters of the safe alphabet). */
export function podTemplateHash(seed: string): string {
  return safeString(`pod-template-hash:${seed}`, 10);
}

export function replicaSetName(deployment: string, seed = deployment): string {
  return `${deployment}-${podTemplateHash(seed)}`;
}

export function podNameFor(replicaSet: string, seed = replicaSet): string {
  return `${replicaSet}-${safeString(`pod:${seed}`, 5)}`;
}

/** A v4-shaped UUID derived from a seed. */
export function uidFor(seed: string): string {
  const hex = digest(`uid:${seed}`).toString('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Event names are `<involved object name>.<16 hex digits of the creation time in nanoseconds>`. */
export function eventName(objectName: string, seed: string): string {
  return `${objectName}.${digest(`event:${seed}`).toString('hex').slice(0, 16)}`;
}

/** A containerd container id (64 hex digits). */
export function containerId(seed: string): string {
  return `containerd://${digest(`container:${seed}`).toString('hex')}`;
}

/** An image digest reference as kubelet reports it in imageID. */
export function imageDigest(seed: string): string {
  return `sha256:${digest(`image:${seed}`).toString('hex')}`;
}

/** `aks-nodepool1-12345678-vmss000000` */
export function aksNodeName(pool = 'nodepool1', index = 0, seed = 'cluster'): string {
  const scaleSetId = (digest(`vmss:${seed}`).readUInt32BE(0) % 90_000_000) + 10_000_000;
  return `aks-${pool}-${scaleSetId}-vmss${index.toString(36).padStart(6, '0')}`;
}

/** `2025-03-14T09:26:53Z` */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2025-03-14T09:26:53.123456Z`: MicroTime, used by events.k8s.io eventTime. */
export function kubeMicroTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

export function secondsBefore(date: Date, seconds: number): Date {
  return new Date(date.getTime() - seconds * 1000);
}
