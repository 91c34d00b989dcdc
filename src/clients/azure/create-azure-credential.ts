import {
  AzureCliCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { AzureConfig } from '../../config/index.js';
import { PullDoctorError } from '../../errors/index.js';

/**
 * The Azure credential chosen explicitly with AZURE_CREDENTIAL. Only `managed-identity` and `default` build a
 * credential that may call the instance metadata endpoint (169.254.169.254); nothing falls back to it.
 *
 * - `cli`: AzureCliCredential (runs `az account get-access-token`; AZURE_TENANT_ID selects the tenant).
 * - `managed-identity`: ManagedIdentityCredential, user-assigned when AZURE_CLIENT_ID is set.
 * - `workload-identity`: WorkloadIdentityCredential with AZURE_TENANT_ID and AZURE_CLIENT_ID; the projected
 *   token file comes from AZURE_FEDERATED_TOKEN_FILE, which @azure/identity reads itself (the AKS workload
 *   identity webhook sets it), so it is not a Pull Doctor configuration key.
 * - `environment`: EnvironmentCredential, which reads AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH /
 *   AZURE_FEDERATED_TOKEN_FILE etc. itself.
 * - `default`: DefaultAzureCredential (environment, workload identity, managed identity, CLI, …).
 * - `none`: null; the Azure checks are skipped with a reason.
 */
export function createAzureCredential(config: AzureConfig): TokenCredential | null {
  const authority = config.authorityHost === undefined ? {} : { authorityHost: config.authorityHost };
  switch (config.credential) {
    case 'none':
      return null;
    case 'cli':
      return new AzureCliCredential({
        processTimeoutInMs: 20_000,
        ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
      });
    case 'managed-identity':
      return config.clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId: config.clientId });
    case 'workload-identity':
      try {
        return new WorkloadIdentityCredential({
          ...authority,
          ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
          ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
        });
      } catch (error) {
        throw new PullDoctorError(
          'AZURE_CREDENTIAL_UNAVAILABLE',
          `Workload identity is not set up: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
            advice:
              'Run in a pod with the azure.workload.identity/use label and a federated service account, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.',
          },
        );
      }
    case 'environment':
      return new EnvironmentCredential(authority);
    case 'default':
      return new DefaultAzureCredential({
        ...authority,
        ...(config.tenantId === undefined ? {} : { tenantId: config.tenantId }),
        ...(config.clientId === undefined ? {} : { managedIdentityClientId: config.clientId, workloadIdentityClientId: config.clientId }),
      });
  }
}
