/**
 * "Can principal P pull from registry R?", answered once for the diagnosis (the kubelet identity, one repository)
 * and for the fix executor's re-check (the fix's principal, the whole registry): the principal's role assignments
 * at or above the registry, the definitions of their roles (read by the id each assignment carries, so custom roles
 * defined in a subscription are found), and what they grant in the registry's role assignment mode (legacy RBAC,
 * or ABAC repository permissions).
 */
import type {
  AzureReader,
  RegistryInfo,
  RoleAssignmentInfo,
  RoleAssignmentMode,
  RoleDefinitionInfo,
} from '../../clients/azure/azure-reader.js';
import { parseResourceId, sameResourceId } from '../../clients/azure/resource-id.js';
import { isPullDoctorError, PullDoctorError } from '../../errors/index.js';
import type { AssignAcrPullFix } from '../types.js';
import { evaluateCondition } from './abac-condition.js';
import { permissionMatches, roleGrants } from './rbac.js';

/** The control-plane action that lets an identity pull from a registry in legacy ("RBAC Registry Permissions") mode. */
export const PULL_ACTION = 'Microsoft.ContainerRegistry/registries/pull/read';
/** The data action that lets an identity pull in ABAC ("RBAC Registry + ABAC Repository Permissions") mode. */
export const REPOSITORY_CONTENT_READ = 'Microsoft.ContainerRegistry/registries/repositories/content/read';

export interface PullAccessEvaluation {
  canPull: boolean;
  /** Assignments that let the principal pull the repository. */
  granting: Array<{ assignment: RoleAssignmentInfo; roleName: string }>;
  /** Assignments that look like they should, and why they do not (or are not proven to). */
  notHonoured: Array<{ assignment: RoleAssignmentInfo; roleName: string; why: string }>;
}

export interface PullAccessInput {
  /** The registry's roleAssignmentMode; absent means legacy. */
  mode?: RoleAssignmentMode;
  /** Repository path inside the registry, e.g. `team-a/api`. */
  repository: string;
  /** The principal's assignments that apply at the registry (at it or inherited). */
  assignments: RoleAssignmentInfo[];
  /** Role definitions, keyed by full id or GUID; looked up by GUID whatever the scope prefix. */
  definitions: ReadonlyMap<string, RoleDefinitionInfo>;
}

function guidOf(id: string): string {
  return (
    id
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? ''
  ).toLowerCase();
}

function indexByGuid(definitions: ReadonlyMap<string, RoleDefinitionInfo>): Map<string, RoleDefinitionInfo> {
  const out = new Map<string, RoleDefinitionInfo>();
  for (const [key, definition] of definitions) {
    out.set(guidOf(key), definition);
    out.set(guidOf(definition.id), definition);
  }
  return out;
}

/** Whether a role names the pull action itself (AcrPull, AcrPush…) rather than through a wildcard (Owner, Reader…). */
function namesPullExplicitly(definition: RoleDefinitionInfo): boolean {
  return definition.permissions.some((b) => b.actions.some((a) => !a.includes('*') && permissionMatches(a, PULL_ACTION)));
}

/**
 * A role that would grant `operation` but for its own exclusion (a custom role with `Microsoft.ContainerRegistry/*`
 * and notActions `…/pull/read`): the patterns that allow and exclude it, for the finding's words.
 */
function excludingPattern(
  definition: RoleDefinitionInfo,
  operation: string,
  kind: 'action' | 'dataAction',
): { allowed: string; excluded: string } | undefined {
  for (const block of definition.permissions) {
    const allowed = (kind === 'action' ? block.actions : block.dataActions).find((p) => permissionMatches(p, operation));
    const excluded = (kind === 'action' ? block.notActions : block.notDataActions).find((p) => permissionMatches(p, operation));
    if (allowed !== undefined && excluded !== undefined) return { allowed, excluded };
  }
  return undefined;
}

/**
 * Does a principal's set of role assignments let it pull `repository` from a registry?
 *
 * Legacy mode (`LegacyRegistryPermissions` or unset): a role counts when it grants the action
 * Microsoft.ContainerRegistry/registries/pull/read (AcrPull, AcrPush, Owner, Contributor, and Reader through its
 * wildcard read action, custom roles with wildcards); roles with only repository data actions are listed as not
 * honoured.
 *
 * ABAC mode (`AbacRepositoryPermissions`): "the AcrPull, AcrPush, and AcrDelete roles aren't honored" and
 * "Owner, Contributor, and Reader … will only grant control plane permissions" (learn.microsoft.com
 * container-registry-rbac-abac-repository-permissions). A role counts when it grants the data action
 * Microsoft.ContainerRegistry/registries/repositories/content/read (Container Registry Repository
 * Reader/Writer/Contributor, Data Importer and Data Reader, custom roles) and its assignment's condition, if
 * any, allows that action on this repository. A condition Pull Doctor cannot evaluate is "not proven", with the
 * reason.
 */
export function evaluatePullAccess(input: PullAccessInput): PullAccessEvaluation {
  const abac = input.mode === 'AbacRepositoryPermissions';
  const definitions = indexByGuid(input.definitions);
  const result: PullAccessEvaluation = { canPull: false, granting: [], notHonoured: [] };

  for (const assignment of input.assignments) {
    const guid = guidOf(assignment.roleDefinitionId);
    const definition = definitions.get(guid);
    if (!definition) {
      result.notHonoured.push({
        assignment,
        roleName: guid,
        why: `its role definition ${guid} could not be read, so what it grants is unknown`,
      });
      continue;
    }
    const roleName = definition.roleName;
    const grantsAction = roleGrants(definition, PULL_ACTION, 'action');
    const grantsData = roleGrants(definition, REPOSITORY_CONTENT_READ, 'dataAction');
    const operation = abac ? grantsData && REPOSITORY_CONTENT_READ : grantsAction && PULL_ACTION;

    if (!operation) {
      if (abac && grantsAction) {
        result.notHonoured.push({
          assignment,
          roleName,
          why: namesPullExplicitly(definition)
            ? `${roleName} is not honoured by a registry in ABAC mode ("RBAC Registry + ABAC Repository Permissions"); pulling needs a role with ${REPOSITORY_CONTENT_READ}, such as Container Registry Repository Reader`
            : `${roleName} only grants control-plane access to a registry in ABAC mode; pulling needs the data action ${REPOSITORY_CONTENT_READ}`,
        });
      } else if (!abac && grantsData) {
        result.notHonoured.push({
          assignment,
          roleName,
          why: `${roleName} grants repository data actions, which a registry honours only in ABAC mode; in legacy mode pulling needs ${PULL_ACTION} (AcrPull)`,
        });
      } else {
        const needed = abac ? REPOSITORY_CONTENT_READ : PULL_ACTION;
        const exclusion = excludingPattern(definition, needed, abac ? 'dataAction' : 'action');
        if (exclusion) {
          result.notHonoured.push({
            assignment,
            roleName,
            why: `${roleName} allows ${exclusion.allowed} but its ${abac ? 'notDataActions' : 'notActions'} exclude ${exclusion.excluded}, so it does not grant ${needed}`,
          });
        }
      }
      continue;
    }

    if (assignment.condition === undefined || assignment.condition.trim() === '') {
      result.granting.push({ assignment, roleName });
      continue;
    }
    const allowed = evaluateCondition(assignment.condition, { action: operation, repository: input.repository });
    if (allowed.value === true) result.granting.push({ assignment, roleName });
    else if (allowed.value === false) {
      result.notHonoured.push({
        assignment,
        roleName,
        why: `its condition limits ${roleName} to other repositories than "${input.repository}"`,
      });
    } else {
      result.notHonoured.push({
        assignment,
        roleName,
        why: `its condition is not proven to allow pulling "${input.repository}": ${allowed.reason}`,
      });
    }
  }
  result.canPull = result.granting.length > 0;
  return result;
}

/** How an assignment's scope relates to a resource: on it, or inherited from one of its ancestors. */
export function describeScopeRelation(assignmentScope: string, resourceId: string): string {
  const scope = assignmentScope.toLowerCase().replace(/\/+$/, '');
  const resource = resourceId.toLowerCase();
  if (scope === resource) return 'on the registry itself';
  if (scope === '/' || scope === '') return 'inherited from the root scope';
  if (/\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(scope))
    return `inherited from management group ${assignmentScope.split('/').pop()}`;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return `inherited from subscription ${assignmentScope.split('/')[2]}`;
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope))
    return `inherited from resource group ${assignmentScope.split('/')[4]}`;
  return `at scope ${assignmentScope}`;
}

/** What reading a principal's roles needs from Azure. */
export type RoleReader = Pick<AzureReader, 'listRoleAssignmentsForPrincipal' | 'getRoleDefinition'>;

export interface PrincipalRoles {
  /** The principal's assignments that apply at the registry: on it, or inherited from above it. */
  assignments: RoleAssignmentInfo[];
  /** Their role definitions by GUID; a role whose definition no longer exists (404) is left out. */
  definitions: Map<string, RoleDefinitionInfo>;
}

/**
 * The principal's role assignments at or above `registryId` (ARM's `atScope() and assignedTo()`, so those held
 * through a group count) and their role definitions, one read per role, by the full id the assignment carries
 * (`/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`, where custom roles are found;
 * never the bare GUID at the tenant root, where ARM knows only built-in roles). Should ARM not know the role under
 * that id (RoleDefinitionDoesNotExist, 404), it is read once more at the assignment's own scope, where it is
 * assignable by definition. Failures other than a missing role definition are thrown as the reader's
 * PullDoctorError.
 */
export async function readPrincipalRoles(reader: RoleReader, registryId: string, principalId: string): Promise<PrincipalRoles> {
  const assignments = await reader.listRoleAssignmentsForPrincipal(registryId, principalId);
  const byGuid = new Map<string, RoleAssignmentInfo>();
  for (const a of assignments) if (!byGuid.has(guidOf(a.roleDefinitionId))) byGuid.set(guidOf(a.roleDefinitionId), a);
  const readOrNothing = async (id: string) => {
    try {
      return await reader.getRoleDefinition(id);
    } catch (error) {
      if (isPullDoctorError(error) && error.code === 'AZURE_NOT_FOUND') return undefined;
      throw error;
    }
  };
  const read = await Promise.all(
    [...byGuid.entries()].map(async ([guid, assignment]) => {
      const carried = await readOrNothing(assignment.roleDefinitionId);
      const atScope = `${assignment.scope === '/' ? '' : assignment.scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
      if (carried !== undefined || sameResourceId(atScope, assignment.roleDefinitionId)) return carried;
      return readOrNothing(atScope);
    }),
  );
  const definitions = new Map<string, RoleDefinitionInfo>();
  for (const d of read) if (d !== undefined) definitions.set(guidOf(d.id), d);
  return { assignments, definitions };
}

/** Can `principalId` pull `repository` from `registry`? The diagnosis' question (acr-pull-role, the proposed fix). */
export async function readPullAccess(
  reader: RoleReader,
  target: { registry: RegistryInfo; principalId: string; repository: string },
): Promise<PullAccessEvaluation> {
  const { assignments, definitions } = await readPrincipalRoles(reader, target.registry.id, target.principalId);
  const input: PullAccessInput = { repository: target.repository, assignments, definitions };
  if (target.registry.roleAssignmentMode !== undefined) input.mode = target.registry.roleAssignmentMode;
  return evaluatePullAccess(input);
}

/**
 * The fix executor's re-check: can the fix's principal already pull from the fix's registry?
 *
 * 1. The registry, from the list of its subscription's registries (ids compared case-insensitively, as ARM does):
 *    its roleAssignmentMode decides which roles count (legacy: AcrPull and the like; ABAC: the repository roles).
 * 2. The principal's roles at the registry (readPrincipalRoles).
 * 3. evaluatePullAccess.
 *
 * A fix grants the role on the whole registry, so only an assignment without a condition counts as "can already
 * pull": one limited by an ABAC condition to some repositories does not make the registry-wide grant redundant
 * (the pod may pull from another repository). Such assignments are named in the detail.
 *
 * Any failure to read Azure is thrown as the reader's PullDoctorError (AZURE_FORBIDDEN, AZURE_THROTTLED, …); a
 * registry missing from its subscription is AZURE_NOT_FOUND. A role definition that no longer exists (404) only
 * keeps its assignment from counting.
 */
export function createPullAccessChecker(
  reader: RoleReader & Pick<AzureReader, 'listRegistries'>,
): (fix: AssignAcrPullFix) => Promise<PullAccessVerdict> {
  return async (fix) => {
    const scope = parseResourceId(fix.scope);
    if (scope.kind !== 'resource' || scope.subscriptionId === undefined) {
      throw new PullDoctorError('INVALID_INPUT', `"${scope.id}" is not the resource id of a container registry.`);
    }
    const registries = await reader.listRegistries(scope.subscriptionId);
    const registry = registries.find((r) => sameResourceId(r.id, scope.id));
    if (registry === undefined) {
      throw new PullDoctorError(
        'AZURE_NOT_FOUND',
        `The registry ${scope.name} is not among the container registries of subscription ${scope.subscriptionId}.`,
        {
          facts: { operation: `find registry ${scope.name}`, resource: scope.id },
          advice: "Check that the registry still exists and that Pull Doctor's identity can read it (Reader on the registry or above).",
        },
      );
    }
    const { assignments, definitions } = await readPrincipalRoles(reader, registry.id, fix.principalId);
    // No assignment given to the evaluation has a condition, so the repository name is never looked at.
    const evaluate = (list: RoleAssignmentInfo[]) => {
      const input: PullAccessInput = { repository: '', assignments: list, definitions };
      if (registry.roleAssignmentMode !== undefined) input.mode = registry.roleAssignmentMode;
      return evaluatePullAccess(input);
    };

    const unconditional = evaluate(assignments.filter((a) => !hasCondition(a)));
    const where = (a: RoleAssignmentInfo) => describeScopeRelation(a.scope, registry.id);
    if (unconditional.canPull) {
      const first = unconditional.granting[0]!;
      return {
        canPull: true,
        detail: `${first.roleName} ${where(first.assignment)}`,
        grantedBy: unconditional.granting.map((g) => ({ name: g.assignment.name, id: g.assignment.id })),
      };
    }
    // The conditional ones, evaluated as if unconditional: would they grant pull but for their condition?
    const conditional = evaluate(assignments.filter(hasCondition).map(withoutCondition));
    const notCounted = [
      ...[...unconditional.notHonoured, ...conditional.notHonoured].map((n) => `${n.roleName} ${where(n.assignment)}: ${n.why}`),
      ...conditional.granting.map(
        (g) => `${g.roleName} ${where(g.assignment)}: a condition limits it to some repositories, and the fix grants on the whole registry`,
      ),
    ];
    const detail = `no role assignment lets the principal pull from the whole registry ${registry.name}`;
    return { canPull: false, detail: notCounted.length === 0 ? detail : `${detail}; not counted: ${notCounted.join('; ')}` };
  };
}

/** Can the fix's principal pull from the whole registry, in words, and (when it can) the assignments that grant it. */
export interface PullAccessVerdict {
  canPull: boolean;
  /** What was found, in words (the granting role and where, or why nothing counts). */
  detail: string;
  /** When it can pull: the role assignments that grant it, by name and id (their names tell who made them). */
  grantedBy?: Array<{ name: string; id: string }>;
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
