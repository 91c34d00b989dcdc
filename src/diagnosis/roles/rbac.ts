/**
 * Azure RBAC as Pull Doctor needs it: the built-in roles it grants, recognises or names in advice, which of them
 * lets a principal pull, whether a permission pattern covers an operation, and whether a role definition grants one.
 */
import type { RoleAssignmentMode, RoleDefinitionInfo } from '../../clients/azure/azure-reader.js';

/**
 * Azure built-in role definition ids (the GUID part; the same in every tenant and cloud), from learn.microsoft.com
 * "Azure built-in roles" (Containers, Privileged, General). The one list: the engine, the fix executor and the
 * sandbox's fake ARM use these.
 */
export const ROLE_IDS = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
  acrDelete: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  containerRegistryRepositoryReader: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
  containerRegistryRepositoryWriter: '2a1e307c-b015-4ebd-883e-5b7698a07328',
  containerRegistryRepositoryContributor: '2efddaa5-3f1f-4df3-97df-af3f13818f4c',
  containerRegistryRepositoryCatalogLister: 'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7',
  containerRegistryDataImporterAndDataReader: '577a9874-89fd-4f24-9dbd-b5034d0ad23a',
} as const;

/** The role that lets a principal pull, by the registry's role assignment mode. */
export function pullRoleFor(mode: RoleAssignmentMode | undefined): { id: string; name: string } {
  return mode === 'AbacRepositoryPermissions'
    ? { id: ROLE_IDS.containerRegistryRepositoryReader, name: 'Container Registry Repository Reader' }
    : { id: ROLE_IDS.acrPull, name: 'AcrPull' };
}

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
