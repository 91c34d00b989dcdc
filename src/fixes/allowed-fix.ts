import { ROLE_IDS } from '../diagnosis/roles/rbac.js';
import type { Fix } from '../diagnosis/types.js';
import { PullDoctorError } from '../errors/index.js';

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const GUID_ONLY = new RegExp(`^${GUID}$`);
/** A container registry's resource id; resource group names as ARM allows them. */
const REGISTRY_ID = new RegExp(
  `^/subscriptions/(${GUID})/resourceGroups/[-\\w._()]{1,90}/providers/Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$`,
  'i',
);
const ROLE_DEFINITION_ID = new RegExp(`^(?:/subscriptions/(${GUID}))?/providers/Microsoft\\.Authorization/roleDefinitions/(${GUID})$`, 'i');

/** The only roles the bot ever grants, by GUID, with the names people know them by. */
const GRANTABLE_ROLES: Readonly<Record<string, string>> = {
  [ROLE_IDS.acrPull]: 'AcrPull',
  [ROLE_IDS.containerRegistryRepositoryReader]: 'Container Registry Repository Reader',
};

/** The GUID at the end of a role definition id, lowercase. */
function roleGuidOf(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? '').toLowerCase();
}

/** "AcrPull", "Container Registry Repository Reader", or the GUID for anything else. */
export function roleNameOf(roleDefinitionId: string): string {
  const guid = roleGuidOf(roleDefinitionId);
  return GRANTABLE_ROLES[guid] ?? guid;
}

/** The registry's name from its resource id (`…/registries/shopacr` → `shopacr`). */
export function registryNameOf(scope: string): string {
  return (
    scope
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? scope
  );
}

/**
 * Why a fix must not be applied, or undefined when it may: only `assign-acr-pull`, to an object id, on a container
 * registry, with AcrPull or Container Registry Repository Reader from the registry's own subscription. Whatever
 * computed the fix, the bot will never grant anything else.
 */
export function fixProblem(fix: unknown): string | undefined {
  if (fix === null || typeof fix !== 'object') return 'the fix is missing';
  const f = fix as Record<string, unknown>;
  if (f.kind !== 'assign-acr-pull') return 'the only fix Pull Doctor applies is assign-acr-pull';
  if (typeof f.principalId !== 'string' || !GUID_ONLY.test(f.principalId)) return 'the principal id is not an object id (GUID)';
  if (typeof f.scope !== 'string') return 'the scope is missing';
  const registry = REGISTRY_ID.exec(f.scope);
  if (!registry) return 'the scope is not the resource id of a container registry';
  if (typeof f.roleDefinitionId !== 'string') return 'the role definition id is missing';
  const role = ROLE_DEFINITION_ID.exec(f.roleDefinitionId);
  if (!role) return 'the role definition id is not a role definition resource id';
  if (role[1] !== undefined && role[1].toLowerCase() !== registry[1]!.toLowerCase())
    return "the role definition is not from the registry's subscription";
  if (GRANTABLE_ROLES[role[2]!.toLowerCase()] === undefined) return 'the role is neither AcrPull nor Container Registry Repository Reader';
  const extra = Object.keys(f).filter((k) => !['kind', 'principalId', 'scope', 'roleDefinitionId'].includes(k));
  if (extra.length > 0) return 'the fix has unexpected fields';
  return undefined;
}

/** The fix as the bot keeps it, or FIX_REFUSED naming what is wrong. */
export function assertAllowedFix(fix: unknown): Fix {
  const problem = fixProblem(fix);
  if (problem !== undefined) throw new PullDoctorError('FIX_REFUSED', `Pull Doctor will not apply this fix: ${problem}.`);
  const f = fix as Fix;
  return { kind: f.kind, principalId: f.principalId.toLowerCase(), scope: f.scope, roleDefinitionId: f.roleDefinitionId };
}

const ROLE_ASSIGNMENTS_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/**
 * The ABAC condition that limits a Role Based Access Control Administrator assignment to granting (and removing)
 * AcrPull and Container Registry Repository Reader to service principals only. Syntax from "Examples to delegate
 * Azure role assignment management with conditions" (learn.microsoft.com, role-based-access-control).
 */
function delegationCondition(): string {
  const roles = `{${ROLE_IDS.acrPull}, ${ROLE_IDS.containerRegistryRepositoryReader}}`;
  const attribute = (source: 'Request' | 'Resource') =>
    `@${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${roles} AND ` +
    `@${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}`;
  return (
    `((!(ActionMatches{'${ROLE_ASSIGNMENTS_WRITE}'})) OR (${attribute('Request')})) AND ` +
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (${attribute('Resource')}))`
  );
}

/**
 * What to tell people when Azure answers 403: which permission the bot's own identity lacks, on which registry,
 * and how to grant it narrowly — never Owner or User Access Administrator.
 */
export function forbiddenAdvice(fix: Fix, missingAction: string | undefined): string {
  const action = missingAction ?? ROLE_ASSIGNMENTS_WRITE;
  return [
    `Pull Doctor's identity may not create role assignments on the registry ${registryNameOf(fix.scope)}: it lacks ${action} there.`,
    `Grant it narrowly: the built-in role "Role Based Access Control Administrator" on that registry only, with a condition that lets it assign only AcrPull and Container Registry Repository Reader to service principals:`,
    `az role assignment create --assignee-object-id <Pull Doctor's object id> --assignee-principal-type ServicePrincipal ` +
      `--role ${ROLE_IDS.roleBasedAccessControlAdministrator} --scope ${fix.scope} --condition-version 2.0 --condition "${delegationCondition()}"`,
    'Then request the fix again.',
  ].join('\n');
}
