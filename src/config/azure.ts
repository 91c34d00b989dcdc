import { GUID, type EnvReader } from './env-reader.js';

export const AZURE_CREDENTIAL_KINDS = ['cli', 'managed-identity', 'workload-identity', 'environment', 'default', 'none'] as const;
export type AzureCredentialKind = (typeof AZURE_CREDENTIAL_KINDS)[number];

export const AZURE_KEYS = [
  'AZURE_CREDENTIAL',
  'AZURE_RESOURCE_MANAGER_ENDPOINT',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_AUTHORITY_HOST',
] as const;

export interface AzureConfig {
  /**
   * Which credential to use. Chosen explicitly so that no code path silently falls back to the instance
   * metadata endpoint; `none` (the default when nothing is set) skips the Azure checks with a reason.
   */
  credential: AzureCredentialKind;
  resourceManagerEndpoint: string;
  subscriptionId?: string;
  tenantId?: string;
  /** Client id of a user-assigned managed identity / workload identity app. */
  clientId?: string;
  authorityHost?: string;
}

export function parseAzureConfig(r: EnvReader): AzureConfig {
  const out: AzureConfig = {
    credential: r.enumeration('AZURE_CREDENTIAL', AZURE_CREDENTIAL_KINDS, 'none'),
    resourceManagerEndpoint: r.url('AZURE_RESOURCE_MANAGER_ENDPOINT', 'https://management.azure.com') ?? 'https://management.azure.com',
  };
  const subscriptionId = r.string('AZURE_SUBSCRIPTION_ID');
  if (subscriptionId !== undefined) {
    if (GUID.test(subscriptionId)) out.subscriptionId = subscriptionId.toLowerCase();
    else r.problem(`AZURE_SUBSCRIPTION_ID must be a GUID (got "${subscriptionId}")`);
  }
  const tenantId = r.string('AZURE_TENANT_ID');
  if (tenantId !== undefined) out.tenantId = tenantId;
  const clientId = r.string('AZURE_CLIENT_ID');
  if (clientId !== undefined) {
    if (GUID.test(clientId)) out.clientId = clientId;
    else r.problem(`AZURE_CLIENT_ID must be a GUID (got "${clientId}")`);
  }
  const authorityHost = r.url('AZURE_AUTHORITY_HOST');
  if (authorityHost !== undefined) out.authorityHost = authorityHost;
  return out;
}
