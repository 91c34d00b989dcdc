import { createHash } from 'node:crypto';
import type { Cause } from '../diagnosis/types.js';
import type { WorkloadRef } from './workload.js';

/** What makes two failures the same alert: one alert per cluster, namespace, owning workload and cause. */
export interface AlertGroup {
  cluster: string;
  namespace: string;
  workload: WorkloadRef;
  cause: Cause;
}

/** The alert's id in the store and on cards: opaque, fixed length, the same on every replica. */
export function alertKey(group: AlertGroup): string {
  const text = JSON.stringify([group.cluster, group.namespace, group.workload.kind, group.workload.name, group.cause]);
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}
