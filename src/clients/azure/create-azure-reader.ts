import { PullDoctorError } from '../../errors/index.js';
import type { AzureClientOptions } from './azure-client-options.js';
import { toManagedClusterInfo, toRegistryInfo, toRoleAssignmentInfo, toRoleDefinitionInfo } from './azure-models.js';
import type { AzureReader } from './azure-reader.js';
import { AzureSdkClients } from './azure-sdk-clients.js';
import { mapAzureError, type AzureOperation } from './map-azure-error.js';
import { parseResourceId, scopeForSdk, type ResourceId } from './resource-id.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION_ID =
  /^(\/subscriptions\/[0-9a-f-]{36}|\/providers\/Microsoft\.Management\/managementGroups\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

export function requireGuid(value: string, what: string): string {
  if (!GUID.test(value)) throw new PullDoctorError('INVALID_INPUT', `${what} must be a GUID (got "${value.slice(0, 80)}").`);
  return value;
}

/** A full role definition id (subscription- or tenant-level); a bare GUID means the tenant-level id. */
export function normaliseRoleDefinitionId(value: string): string {
  const trimmed = value.trim();
  if (GUID.test(trimmed)) return `/providers/Microsoft.Authorization/roleDefinitions/${trimmed}`;
  if (!ROLE_DEFINITION_ID.test(trimmed)) {
    throw new PullDoctorError('INVALID_INPUT', `"${trimmed.slice(0, 200)}" is not a role definition id (…/providers/Microsoft.Authorization/roleDefinitions/{guid}).`);
  }
  return trimmed;
}

function requireCluster(resourceId: string): ResourceId & { subscriptionId: string; resourceGroup: string; name: string } {
  const id = parseResourceId(resourceId);
  if (id.kind !== 'resource' || id.provider?.toLowerCase() !== 'microsoft.containerservice' || id.resourceType?.toLowerCase() !== 'managedclusters') {
    throw new PullDoctorError('INVALID_INPUT', `"${id.id}" is not the id of an AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/{name}).`);
  }
  return id as ResourceId & { subscriptionId: string; resourceGroup: string; name: string };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs one SDK call and turns its failure into a PullDoctorError (logged once, without secrets). */
export function azureCall(options: AzureClientOptions) {
  return async <T>(context: AzureOperation, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const mapped = mapAzureError(error, context);
      options.log?.warn('azure call failed', { code: mapped.code, ...mapped.facts });
      throw mapped;
    }
  };
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
