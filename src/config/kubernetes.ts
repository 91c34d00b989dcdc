import type { EnvReader } from './env-reader.js';

export const KUBERNETES_KEYS = ['KUBECONFIG', 'KUBE_CONTEXT'] as const;

export interface KubernetesConfig {
  /** Path(s) of kubeconfig files (`KUBECONFIG`, colon-separated); undefined means the default path or in-cluster. */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
}

export function parseKubernetesConfig(r: EnvReader): KubernetesConfig {
  const out: KubernetesConfig = {};
  const kubeconfig = r.string('KUBECONFIG');
  if (kubeconfig !== undefined) out.kubeconfig = kubeconfig;
  const context = r.string('KUBE_CONTEXT');
  if (context !== undefined) out.context = context;
  return out;
}
