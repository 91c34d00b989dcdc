import type { EnvReader } from './env-reader.js';

export const CLUSTERS_KEYS = ['PULLDOCTOR_CONFIG'] as const;

export interface ClustersConfig {
  /** Path of the multi-cluster file (YAML or JSON); without it, the one cluster of the kubeconfig. */
  configFile?: string;
}

export function parseClustersConfig(r: EnvReader): ClustersConfig {
  const configFile = r.string('PULLDOCTOR_CONFIG');
  return configFile === undefined ? {} : { configFile };
}
