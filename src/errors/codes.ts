/**
 * Stable error codes. Users, scripts and the advice sink rely on these strings: add, never rename.
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'INVALID_INPUT',
  'POD_NOT_FOUND',
  'NAMESPACE_NOT_FOUND',
  'KUBE_UNREACHABLE',
  'KUBE_UNAUTHORIZED',
  'KUBE_FORBIDDEN',
  'KUBE_API_ERROR',
  'KUBECONFIG_INVALID',
  'AZURE_CREDENTIAL_UNAVAILABLE',
  'AZURE_UNAUTHORIZED',
  'AZURE_FORBIDDEN',
  'AZURE_NOT_FOUND',
  'AZURE_THROTTLED',
  'AZURE_API_ERROR',
  'REGISTRY_UNREACHABLE',
  'STORE_CONFLICT',
  'STORE_UNAVAILABLE',
  'FIX_REFUSED',
  'FIX_FAILED',
  'TEAMS_SEND_FAILED',
  'BUSY',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
