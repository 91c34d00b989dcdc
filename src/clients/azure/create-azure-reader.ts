import { azureCall } from './azure-call.js';
import type { AzureClientOptions } from './azure-client-options.js';
import { normaliseRoleDefinitionId, requireCluster, requireGuid } from './azure-input.js';
import { toManagedClusterInfo, toRegistryInfo, toRoleAssignmentInfo, toRoleDefinitionInfo } from './azure-models.js';
import type { AzureReader } from './azure-reader.js';
import { AzureSdkClients } from './azure-sdk-clients.js';
import { parseResourceId, scopeForSdk } from './resource-id.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * The AzureReader over the real SDK clients (@azure/arm-containerservice, -containerregistry, -authorization),
 * pointed at `endpoint`. Retries are the SDK's, bounded by `retry` (see azure-client-options.ts).
 */
export function createAzureReader(options: AzureClientOptions): AzureReader {
  const clients = new AzureSdkClients(options);
  const call = azureCall(options);
  return {
    async getManagedCluster(resourceId) {
      const id = requireCluster(resourceId);
      return call({ operation: `read AKS cluster ${id.name}`, resource: id.id }, async () =>
        toManagedClusterInfo(await clients.containerService(id.subscriptionId).managedClusters.get(id.resourceGroup, id.name)),
      );
    },

    async listManagedClusters(subscriptionId) {
      requireGuid(subscriptionId, 'The subscription id');
      return call({ operation: `list AKS clusters in subscription ${subscriptionId}`, resource: `/subscriptions/${subscriptionId}` }, async () =>
        (await collect(clients.containerService(subscriptionId).managedClusters.list())).map(toManagedClusterInfo),
      );
    },

    async listRegistries(subscriptionId) {
      requireGuid(subscriptionId, 'The subscription id');
      return call({ operation: `list container registries in subscription ${subscriptionId}`, resource: `/subscriptions/${subscriptionId}` }, async () =>
        (await collect(clients.containerRegistry(subscriptionId).registries.list())).map(toRegistryInfo),
      );
    },

    async listRoleAssignmentsForPrincipal(scope, principalId) {
      const id = parseResourceId(scope);
      requireGuid(principalId, 'The principal id');
      const filter = `atScope() and assignedTo('${principalId}')`;
      return call({ operation: `list role assignments of ${principalId} at ${id.id}`, resource: id.id }, async () =>
        (await collect(clients.authorization(id.subscriptionId).roleAssignments.listForScope(scopeForSdk(id.id), { filter }))).map(toRoleAssignmentInfo),
      );
    },

    async getRoleDefinition(roleDefinitionId) {
      const id = normaliseRoleDefinitionId(roleDefinitionId);
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
      return call({ operation: `read role definition ${id.split('/').pop()}`, resource: id }, async () =>
        toRoleDefinitionInfo(await clients.authorization(subscriptionId).roleDefinitions.getById(scopeForSdk(id))),
      );
    },
  };
}
