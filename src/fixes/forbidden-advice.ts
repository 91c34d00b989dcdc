import { ROLE_IDS } from '../diagnosis/roles/rbac.js';
import type { Fix } from '../diagnosis/types.js';
import { registryNameOf } from './allowed-fix.js';

/** Built-in "Role Based Access Control Administrator": may manage role assignments, nothing else. */
export const RBAC_ADMINISTRATOR_ROLE_ID = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';

const ROLE_ASSIGNMENTS_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/**
 * The ABAC condition that limits a Role Based Access Control Administrator assignment to granting (and removing)
 * AcrPull and Container Registry Repository Reader to service principals only. Syntax from "Examples to delegate
 * Azure role assignment management with conditions" (learn.microsoft.com, role-based-access-control).
 */
export function delegationCondition(): string {
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
      `--role ${RBAC_ADMINISTRATOR_ROLE_ID} --scope ${fix.scope} --condition-version 2.0 --condition "${delegationCondition()}"`,
    'Then request the fix again.',
  ].join('\n');
}
