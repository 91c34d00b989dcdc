/**
 * "Can principal P pull from registry R?": its role assignments at or above the registry, their role definitions,
 * and what they grant in the registry's role assignment mode (legacy RBAC, or ABAC repository permissions).
 */
import type { RoleAssignmentInfo, RoleAssignmentMode, RoleDefinitionInfo } from '../../clients/azure/azure-reader.js';
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
  return (id.split('/').filter((s) => s !== '').pop() ?? '').toLowerCase();
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
      result.notHonoured.push({ assignment, roleName: guid, why: `its role definition ${guid} could not be read, so what it grants is unknown` });
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
      result.notHonoured.push({ assignment, roleName, why: `its condition limits ${roleName} to other repositories than "${input.repository}"` });
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
  if (/\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(scope)) return `inherited from management group ${assignmentScope.split('/').pop()}`;
  if (/^\/subscriptions\/[^/]+$/.test(scope)) return `inherited from subscription ${assignmentScope.split('/')[2]}`;
  if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(scope)) return `inherited from resource group ${assignmentScope.split('/')[4]}`;
  return `at scope ${assignmentScope}`;
}
