import type { AzureReader, RoleAssignmentInfo, RoleDefinitionInfo } from '../clients/azure/azure-reader.js';
import { parseResourceId, sameResourceId } from '../clients/azure/resource-id.js';
import { evaluatePullAccess, describeScopeRelation } from '../diagnosis/roles/pull-access.js';
import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import type { PullAccessChecker } from '../fixes/index.js';

/**
 * The fix executor's re-check, over Azure: can the fix's principal already pull from the fix's registry?
 *
 * 1. The registry, from the list of its subscription's registries (ids compared case-insensitively, as ARM does):
 *    its roleAssignmentMode decides which roles count (legacy: AcrPull and the like; ABAC: the repository roles).
 * 2. The principal's role assignments that apply at the registry, inherited ones included (`atScope() and
 *    assignedTo()`), and their role definitions.
 * 3. The engine's role evaluation (`evaluatePullAccess`).
 *
 * A fix grants the role on the whole registry, so only an assignment without a condition counts as "can already
 * pull": one limited by an ABAC condition to some repositories does not make the registry-wide grant redundant
 * (the pod may pull from another repository). Such assignments are named in the detail.
 *
 * Any failure to read Azure is thrown as the reader's PullDoctorError (AZURE_FORBIDDEN, AZURE_THROTTLED, …); a
 * registry missing from its subscription is AZURE_NOT_FOUND. A role definition that no longer exists (404) only
 * keeps its assignment from counting.
 */
export function createPullAccessChecker(reader: AzureReader): PullAccessChecker {
  return async (fix) => {
    const scope = parseResourceId(fix.scope);
    if (scope.kind !== 'resource' || scope.subscriptionId === undefined) {
      throw new PullDoctorError('INVALID_INPUT', `"${scope.id}" is not the resource id of a container registry.`);
    }
    const registries = await reader.listRegistries(scope.subscriptionId);
    const registry = registries.find((r) => sameResourceId(r.id, scope.id));
    if (registry === undefined) {
      throw new PullDoctorError('AZURE_NOT_FOUND', `The registry ${scope.name} is not among the container registries of subscription ${scope.subscriptionId}.`, {
        facts: { operation: `find registry ${scope.name}`, resource: scope.id },
        advice: "Check that the registry still exists and that Pull Doctor's identity can read it (Reader on the registry or above).",
      });
    }
    const assignments = await reader.listRoleAssignmentsForPrincipal(registry.id, fix.principalId);
    const definitions = await roleDefinitionsOf(reader, assignments);
    const mode = registry.roleAssignmentMode === undefined ? {} : { mode: registry.roleAssignmentMode };
    // No assignment given to the evaluation has a condition, so the repository name is never looked at.
    const evaluate = (list: RoleAssignmentInfo[]) => evaluatePullAccess({ ...mode, repository: '', assignments: list, definitions });

    const unconditional = evaluate(assignments.filter((a) => !hasCondition(a)));
    const where = (a: RoleAssignmentInfo) => describeScopeRelation(a.scope, registry.id);
    if (unconditional.canPull) {
      const first = unconditional.granting[0]!;
      return { canPull: true, detail: `${first.roleName} ${where(first.assignment)}` };
    }
    // The conditional ones, evaluated as if unconditional: would they grant pull but for their condition?
    const conditional = evaluate(assignments.filter(hasCondition).map(withoutCondition));
    const notCounted = [
      ...[...unconditional.notHonoured, ...conditional.notHonoured].map((n) => `${n.roleName} ${where(n.assignment)}: ${n.why}`),
      ...conditional.granting.map((g) => `${g.roleName} ${where(g.assignment)}: a condition limits it to some repositories, and the fix grants on the whole registry`),
    ];
    const detail = `no role assignment lets the principal pull from the whole registry ${registry.name}`;
    return { canPull: false, detail: notCounted.length === 0 ? detail : `${detail}; not counted: ${notCounted.join('; ')}` };
  };
}

function hasCondition(assignment: RoleAssignmentInfo): boolean {
  return assignment.condition !== undefined && assignment.condition.trim() !== '';
}

function withoutCondition(assignment: RoleAssignmentInfo): RoleAssignmentInfo {
  const copy = { ...assignment };
  delete copy.condition;
  delete copy.conditionVersion;
  return copy;
}

/** The role definitions of the assignments, one read per role; a role that no longer exists is left out. */
async function roleDefinitionsOf(reader: AzureReader, assignments: RoleAssignmentInfo[]): Promise<Map<string, RoleDefinitionInfo>> {
  const byGuid = new Map<string, string>();
  for (const a of assignments) byGuid.set(guidOf(a.roleDefinitionId), a.roleDefinitionId);
  const read = await Promise.all(
    [...byGuid.values()].map(async (id) => {
      try {
        return await reader.getRoleDefinition(id);
      } catch (error) {
        if (isPullDoctorError(error) && error.code === 'AZURE_NOT_FOUND') return undefined;
        throw error;
      }
    }),
  );
  const definitions = new Map<string, RoleDefinitionInfo>();
  for (const d of read) if (d !== undefined) definitions.set(d.id, d);
  return definitions;
}

function guidOf(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').filter((s) => s !== '').pop() ?? '').toLowerCase();
}
