/**
 * Azure RBAC as Pull Doctor needs it: whether a permission pattern covers an operation, and whether a role
 * definition grants one.
 */

import type { RoleDefinitionInfo } from '../../clients/azure/azure-reader.js';

// Azure RBAC permission matching: does the pattern in a role's actions/notActions/dataActions/notDataActions
// cover an operation? Comparison is case-insensitive and `*` matches any run of characters anywhere, `/`
// included, so `*` covers everything, `*/read` covers every read (`Microsoft.ContainerRegistry/registries/pull/read`
// included: that is why Reader can pull from a registry in legacy mode) and `Microsoft.ContainerRegistry/*`
// everything of that provider. ("The wildcard (*) character extends a permission to everything that matches the
// action string you provide", learn.microsoft.com role-definitions#actions.)
export function permissionMatches(pattern: string, operation: string): boolean {
  const p = pattern.trim();
  const op = operation.trim();
  if (p === '' || op === '') return false;
  if (!p.includes('*')) return p.toLowerCase() === op.toLowerCase();
  const source = p
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(op);
}

/**
 * Whether a role definition grants `operation`: some permission block lists it in `actions` (for a control-plane
 * action) or `dataActions` (for a data action) and the same block does not exclude it with `notActions` /
 * `notDataActions`. `actions` never grant data actions, and the reverse: `*` in actions covers no data action.
 */
export function roleGrants(definition: RoleDefinitionInfo, operation: string, kind: 'action' | 'dataAction'): boolean {
  return definition.permissions.some((block) => {
    const allow = kind === 'action' ? block.actions : block.dataActions;
    const deny = kind === 'action' ? block.notActions : block.notDataActions;
    return allow.some((p) => permissionMatches(p, operation)) && !deny.some((p) => permissionMatches(p, operation));
  });
}
