import { PullDoctorError } from '../../errors/index.js';
import { parseResourceId, type ResourceId } from './resource-id.js';

/** Checks on ids before they reach a URL or a $filter. */

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

export function requireCluster(resourceId: string): ResourceId & { subscriptionId: string; resourceGroup: string; name: string } {
  const id = parseResourceId(resourceId);
  if (id.kind !== 'resource' || id.provider?.toLowerCase() !== 'microsoft.containerservice' || id.resourceType?.toLowerCase() !== 'managedclusters') {
    throw new PullDoctorError('INVALID_INPUT', `"${id.id}" is not the id of an AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/{name}).`);
  }
  return id as ResourceId & { subscriptionId: string; resourceGroup: string; name: string };
}
