import type { RoleAssignmentInfo, RoleDefinitionInfo } from '../../../src/clients/azure/azure-reader.js';
import { builtInRoleDefinitions } from '../../../src/sandbox/resource-manager/built-in-role-definitions.js';

export const SUB = '1f1f1f1f-2a2a-4b4b-8c8c-3d3d3d3d3d3d';
export const REGISTRY = `/subscriptions/${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/corpacr`;
export const KUBELET = '7e7e7e7e-2a2a-4b4b-8c8c-3d3d3d3d3d3d';

/** The real built-in definitions (as the fake ARM serves them), in the reader's slim shape, keyed by tenant-level id. */
export function builtInDefinitions(): Map<string, RoleDefinitionInfo> {
  return new Map(
    builtInRoleDefinitions().map((d) => {
      const id = `/providers/Microsoft.Authorization/roleDefinitions/${d.guid}`;
      return [id, { id, name: d.guid, roleName: d.roleName, roleType: d.type, permissions: d.permissions }];
    }),
  );
}

export function definition(
  roleName: string,
  ...permissions: Array<Partial<RoleDefinitionInfo['permissions'][number]>>
): RoleDefinitionInfo {
  const guid = '0c0c0c0c-0000-4000-8000-' + Buffer.from(roleName).toString('hex').padEnd(12, '0').slice(0, 12);
  return {
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    roleName,
    roleType: 'CustomRole',
    permissions: permissions.map((p) => ({
      actions: p.actions ?? [],
      notActions: p.notActions ?? [],
      dataActions: p.dataActions ?? [],
      notDataActions: p.notDataActions ?? [],
    })),
  };
}

let counter = 0;
/** An assignment at the registry, with the subscription-level role id form ARM returns there. */
export function assignment(roleGuid: string, extra: Partial<RoleAssignmentInfo> = {}): RoleAssignmentInfo {
  counter += 1;
  const name = `a0000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id: `${REGISTRY}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope: REGISTRY,
    roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    principalId: KUBELET,
    principalType: 'ServicePrincipal',
    ...extra,
  };
}
