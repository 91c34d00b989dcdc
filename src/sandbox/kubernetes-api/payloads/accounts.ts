/**
 * Namespaces, service accounts, secrets and leases as the API returns them. Pull secrets are
 * `kubernetes.io/dockerconfigjson` secrets whose `.dockerconfigjson` is base64 of `{"auths":{host:{...}}}`.
 */
import type { WireLease, WireNamespace, WireSecret, WireServiceAccount } from '../wire.js';
import { kubeMicroTime, kubeTime, uidFor } from './names.js';

export function namespace(name: string, labels: Record<string, string> = {}): WireNamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, uid: uidFor(`namespace:${name}`), labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export interface ServiceAccountOptions {
  namespace: string;
  name?: string;
  imagePullSecrets?: string[];
  /** e.g. `{ 'azure.workload.identity/client-id': '…' }` */
  annotations?: Record<string, string>;
}

export function serviceAccount(o: ServiceAccountOptions): WireServiceAccount {
  const name = o.name ?? 'default';
  const sa: WireServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: o.namespace, uid: uidFor(`sa:${o.namespace}/${name}`) },
  };
  if (o.annotations) sa.metadata!.annotations = o.annotations;
  if (o.imagePullSecrets?.length) sa.imagePullSecrets = o.imagePullSecrets.map((n) => ({ name: n }));
  return sa;
}

export type RegistryCredential = { username: string; password: string } | { auth: string } | { identitytoken: string };

/** The `.dockerconfigjson` document for some registries (`auth` is base64 of `user:password`, as `docker login` writes it). */
export function dockerConfigJson(auths: Record<string, RegistryCredential>): string {
  const out: Record<string, Record<string, string>> = {};
  for (const [host, credential] of Object.entries(auths)) {
    if ('username' in credential) {
      out[host] = {
        username: credential.username,
        password: credential.password,
        auth: Buffer.from(`${credential.username}:${credential.password}`).toString('base64'),
      };
    } else out[host] = { ...credential };
  }
  return JSON.stringify({ auths: out });
}

export interface DockerConfigSecretOptions {
  namespace: string;
  name: string;
  auths: Record<string, RegistryCredential>;
  /** Raw `.dockerconfigjson` content instead of `auths` (for malformed or hostile fixtures). */
  rawDockerConfigJson?: string;
}

export function dockerConfigJsonSecret(o: DockerConfigSecretOptions): WireSecret {
  const content = o.rawDockerConfigJson ?? dockerConfigJson(o.auths);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: o.name, namespace: o.namespace, uid: uidFor(`secret:${o.namespace}/${o.name}`) },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(content).toString('base64') },
  };
}

export function opaqueSecret(o: { namespace: string; name: string; data: Record<string, string> }): WireSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: o.name, namespace: o.namespace, uid: uidFor(`secret:${o.namespace}/${o.name}`) },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

export interface LeaseOptions {
  namespace: string;
  name: string;
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaseTransitions?: number;
}

/** A coordination.k8s.io/v1 Lease, as leader election writes it. */
export function lease(o: LeaseOptions): WireLease {
  const spec: Record<string, unknown> = { leaseDurationSeconds: o.leaseDurationSeconds ?? 15, leaseTransitions: o.leaseTransitions ?? 0 };
  if (o.holderIdentity !== undefined) spec.holderIdentity = o.holderIdentity;
  if (o.acquireTime) spec.acquireTime = kubeMicroTime(o.acquireTime);
  if (o.renewTime) spec.renewTime = kubeMicroTime(o.renewTime);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: o.name, namespace: o.namespace, creationTimestamp: kubeTime(o.acquireTime ?? new Date()) },
    spec,
  } as WireLease;
}
