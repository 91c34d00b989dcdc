import { inertText, TEXT_LIMITS } from './inert-text.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

/** `shop/web-7d4c9` (and ` on cluster shop-aks` when one is named), made inert. */
export function targetText(target: DiagnosisTarget): string {
  const cluster = target.cluster ? ` on cluster ${inertText(target.cluster, TEXT_LIMITS.name)}` : '';
  return `${inertText(target.namespace, TEXT_LIMITS.name)}/${inertText(target.pod, TEXT_LIMITS.name)}${cluster}`;
}
