/**
 * `$filter` on `GET {scope}/providers/Microsoft.Authorization/roleAssignments` (api-version 2022-04-01), as ARM
 * implements it. What is known, and from where:
 *
 * - No filter: every assignment that applies at the scope (at or above it) AND every assignment below it.
 *   (Get-AzRoleAssignment -Scope shows assignments below too: Azure/azure-powershell#10913.)
 * - `atScope()`: assignments at or above the scope (inherited from parent resources, the resource group, the
 *   subscription, management groups and the tenant root); none below. ("Use $filter=atScope() to return all role
 *   assignments at or above the scope", REST reference Role Assignments - List For Scope; "for only the specified
 *   scope, not including the role assignments at subscopes", learn.microsoft.com role-assignments-list-rest.)
 * - `principalId eq '{id}'`: assignments at, above or below the scope whose principalId is exactly `{id}` (works
 *   for users, groups and service principals; no group expansion). The quotes are required: without them ARM
 *   answers 400 UnsupportedQuery (Azure/azure-rest-api-specs#28255).
 * - `assignedTo('{id}')`: assignments to the user or service principal `{id}`, including those made to groups it
 *   is a member of, transitively (role-assignments-list-rest). It only accepts a user or service principal id.
 *   The docs do not say whether it includes assignments below the scope; this fake includes them, like
 *   `principalId eq`.
 * - `atScope() and assignedTo('{id}')`: both: at or above the scope, for the principal or its groups.
 * - `atScope() and principalId eq '{id}'` is rejected by ARM (Azure/azure-powershell#20433 review: "the API
 *   doesn't allow it"), like anything else: 400 UnsupportedQuery "The filter '...' is not supported. Supported
 *   filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'."
 *
 * Keyword case and the order of the two terms of the combined filter are accepted leniently (not on record).
 */

export type RoleAssignmentFilter =
  | { kind: 'none' }
  | { kind: 'atScope' }
  | { kind: 'principalId'; principalId: string }
  | { kind: 'assignedTo'; principalId: string }
  | { kind: 'atScopeAndAssignedTo'; principalId: string };

const AT_SCOPE = /^\s*atScope\(\)\s*$/i;
const PRINCIPAL_ID = /^\s*principalId\s+eq\s+'([^'\s]+)'\s*$/i;
const ASSIGNED_TO = /^\s*assignedTo\('([^'\s]+)'\)\s*$/i;
const AT_SCOPE_AND_ASSIGNED_TO = /^\s*atScope\(\)\s+and\s+assignedTo\('([^'\s]+)'\)\s*$/i;
const ASSIGNED_TO_AND_AT_SCOPE = /^\s*assignedTo\('([^'\s]+)'\)\s+and\s+atScope\(\)\s*$/i;

/** The parsed filter, or undefined when ARM would refuse it. */
export function parseRoleAssignmentFilter(raw: string | null): RoleAssignmentFilter | undefined {
  if (raw === null || raw.trim() === '') return { kind: 'none' };
  if (AT_SCOPE.test(raw)) return { kind: 'atScope' };
  let m = PRINCIPAL_ID.exec(raw);
  if (m) return { kind: 'principalId', principalId: m[1]! };
  m = ASSIGNED_TO.exec(raw);
  if (m) return { kind: 'assignedTo', principalId: m[1]! };
  m = AT_SCOPE_AND_ASSIGNED_TO.exec(raw) ?? ASSIGNED_TO_AND_AT_SCOPE.exec(raw);
  if (m) return { kind: 'atScopeAndAssignedTo', principalId: m[1]! };
  return undefined;
}
