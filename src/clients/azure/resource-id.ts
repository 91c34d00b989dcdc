/**
 * Azure resource ids and RBAC scopes: parse and compare them (ARM compares ids case-insensitively), and check ids
 * (GUIDs, role definition ids, cluster ids) before they reach a URL or a $filter.
 * Accepted forms: `/` (tenant root), `/providers/Microsoft.Management/managementGroups/{mg}`, `/subscriptions/{guid}`,
 * `.../resourceGroups/{rg}` and `.../providers/{namespace}/{type}/{name}[/{type}/{name}...]`.
 */
import { PullDoctorError } from '../../errors/index.js';

export type ScopeKind = 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export interface ResourceId {
  /** Leading slash, no trailing slash, casing as given; `/` for the tenant root. */
  id: string;
  kind: ScopeKind;
  subscriptionId?: string;
  resourceGroup?: string;
  managementGroup?: string;
  /** Resource provider namespace, e.g. `Microsoft.ContainerService`. */
  provider?: string;
  /** Resource type below the namespace; nested types joined with `/` (`registries/replications`). */
  resourceType?: string;
  /** Name of the innermost resource. */
  name?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID in its usual form (8-4-4-4-12 hex digits, either case): Entra object and tenant ids, subscription ids. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}
const SEGMENT = /^[^\s/?#\\]+$/;

function invalid(id: string, why: string): PullDoctorError {
  const shown = id.length > 200 ? `${id.slice(0, 200)}…` : id;
  return new PullDoctorError('INVALID_INPUT', `"${shown}" is not an Azure resource id: ${why}.`, {
    advice:
      'Use the full id, e.g. /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}.',
  });
}

/** Parses an id or scope; throws INVALID_INPUT when it is not one. */
export function parseResourceId(input: string): ResourceId {
  const trimmed = input.trim().replace(/\/+$/, '');
  if (trimmed === '') return { id: '/', kind: 'tenant' };
  const parts = trimmed.replace(/^\//, '').split('/');
  if (parts.some((p) => !SEGMENT.test(p))) throw invalid(input, 'it has an empty or malformed segment');
  const id = `/${parts.join('/')}`;
  const lower = parts.map((p) => p.toLowerCase());
  if (lower[0] === 'providers') {
    if (parts.length === 4 && lower[1] === 'microsoft.management' && lower[2] === 'managementgroups') {
      return { id, kind: 'managementGroup', managementGroup: parts[3]! };
    }
    throw invalid(input, 'only management groups can be named at the tenant level');
  }
  if (lower[0] !== 'subscriptions' || parts.length < 2) throw invalid(input, 'it must start with /subscriptions/{id}');
  const subscriptionId = parts[1]!;
  if (!GUID.test(subscriptionId)) throw invalid(input, 'the subscription id must be a GUID');
  if (parts.length === 2) return { id, kind: 'subscription', subscriptionId };
  if (lower[2] !== 'resourcegroups' || parts.length < 4) throw invalid(input, 'expected /resourceGroups/{name} after the subscription');
  const resourceGroup = parts[3]!;
  if (parts.length === 4) return { id, kind: 'resourceGroup', subscriptionId, resourceGroup };
  if (lower[4] !== 'providers' || parts.length < 8 || parts.length % 2 !== 0) {
    throw invalid(input, 'expected /providers/{namespace}/{type}/{name} after the resource group');
  }
  const types: string[] = [];
  for (let i = 6; i < parts.length; i += 2) types.push(parts[i]!);
  return {
    id,
    kind: 'resource',
    subscriptionId,
    resourceGroup,
    provider: parts[5]!,
    resourceType: types.join('/'),
    name: parts[parts.length - 1]!,
  };
}

/** The comparison form of an id: normalised slashes, lowercase. */
export function resourceIdKey(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).toLowerCase();
}

export function sameResourceId(a: string, b: string): boolean {
  return resourceIdKey(a) === resourceIdKey(b);
}

/** The form the @azure/arm-authorization `scope`/`roleId` path parameters expect: no leading slash. */
export function scopeForSdk(scope: string): string {
  return scope.replace(/^\/+/, '');
}

// Checks on ids before they reach a URL or a $filter.

const ROLE_DEFINITION_ID = /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

export function requireGuid(value: string, what: string): string {
  if (!GUID.test(value)) throw new PullDoctorError('INVALID_INPUT', `${what} must be a GUID (got "${value.slice(0, 80)}").`);
  return value;
}

/**
 * A full role definition id: tenant-level (`/providers/Microsoft.Authorization/roleDefinitions/{guid}`), or below
 * any scope (a subscription's, as role assignments carry it; a management group's; a resource group's or a
 * resource's, where a role can be read too). A bare GUID means the tenant-level id.
 */
export function normaliseRoleDefinitionId(value: string): string {
  const trimmed = value.trim();
  if (GUID.test(trimmed)) return `/providers/Microsoft.Authorization/roleDefinitions/${trimmed}`;
  const match = ROLE_DEFINITION_ID.exec(trimmed);
  const scopeIsValid = (prefix: string) => {
    try {
      return prefix === '' || parseResourceId(prefix).kind !== 'tenant';
    } catch {
      return false;
    }
  };
  if (!match || !GUID.test(match[2]!) || !scopeIsValid(match[1]!)) {
    throw new PullDoctorError(
      'INVALID_INPUT',
      `"${trimmed.slice(0, 200)}" is not a role definition id (…/providers/Microsoft.Authorization/roleDefinitions/{guid}).`,
    );
  }
  return trimmed;
}

export function requireCluster(resourceId: string): ResourceId & { subscriptionId: string; resourceGroup: string; name: string } {
  const id = parseResourceId(resourceId);
  if (
    id.kind !== 'resource' ||
    id.provider?.toLowerCase() !== 'microsoft.containerservice' ||
    id.resourceType?.toLowerCase() !== 'managedclusters'
  ) {
    throw new PullDoctorError(
      'INVALID_INPUT',
      `"${id.id}" is not the id of an AKS cluster (…/providers/Microsoft.ContainerService/managedClusters/{name}).`,
    );
  }
  return id as ResourceId & { subscriptionId: string; resourceGroup: string; name: string };
}
