export type { KubernetesReader } from './kubernetes-reader.js';
export { createKubernetesReader, escapeFieldSelectorValue, type KubernetesReaderOptions } from './create-kubernetes-reader.js';
export { loadKubeConfig, SERVICE_ACCOUNT_DIR, type LoadKubeConfigOptions, type KubeConfigLocations } from './load-kube-config.js';
export { kubeConfigForServer, type ServerCredentials, type TokenProvider } from './kube-config-for-server.js';
export { refreshingToken, type ExpiringToken, type RefreshingTokenOptions } from './refreshing-token.js';
export { toKubernetesError, missingRule, type KubernetesOperation } from './kubernetes-errors.js';
