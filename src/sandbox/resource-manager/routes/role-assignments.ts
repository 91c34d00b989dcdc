import { armErrors } from '../arm-errors.js';
import { FAKE_PRINCIPAL_TYPES, type FakePrincipalType } from '../fake-resources.js';
import { isGuid, roleDefinitionGuid } from '../fake-state.js';
import { roleAssignmentPayload } from '../payloads.js';
import { parseRoleAssignmentFilter } from '../role-assignment-filter.js';
import { json, page, type Reply, type Route, type RouteContext } from '../route.js';
import { scopeKey } from '../scopes.js';

const NAMESPACE = 'Microsoft.Authorization';
const LIST = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i;
const ONE = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i;

function scopeOf(prefix: string): string {
  return prefix === '' ? '/' : prefix;
}

function list(context: RouteContext, scopePath: string): Reply {
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const raw = context.request.url.searchParams.get('$filter');
  const filter = parseRoleAssignmentFilter(raw);
  if (!filter) return json(400, armErrors.unsupportedRoleAssignmentFilter(raw ?? ''));
  return page(context.state.listRoleAssignments(check.scope, scopePath, filter).map(roleAssignmentPayload), context);
}

function getOne(context: RouteContext, scopePath: string, name: string): Reply {
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const assignment = context.state.roleAssignment(name);
  if (!assignment || scopeKey(assignment.scope) !== scopeKey(scopePath)) return json(404, armErrors.roleAssignmentNotFound(name));
  return json(200, roleAssignmentPayload(assignment));
}

function deleteOne(context: RouteContext, scopePath: string, name: string): Reply {
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const assignment = context.state.roleAssignment(name);
  if (!assignment || scopeKey(assignment.scope) !== scopeKey(scopePath)) return { status: 204 };
  context.state.deleteRoleAssignment(name);
  return json(200, roleAssignmentPayload(assignment));
}

function stringProperty(properties: Record<string, unknown>, key: string): string | undefined {
  const value = properties[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * PUT: ARM's checks in order: GUID name, scope exists, body shape, principal type, role definition exists at
 * the scope, same name (idempotent when identical, otherwise RoleAssignmentUpdateNotPermitted), the same
 * principal+role+scope under another name (409 RoleAssignmentExists), then 201 Created.
 */
function putOne(context: RouteContext, scopePath: string, name: string): Reply {
  if (!isGuid(name)) return json(400, armErrors.invalidRoleAssignmentId(name));
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const body = context.request.body;
  const properties =
    typeof body === 'object' && body !== null && typeof (body as { properties?: unknown }).properties === 'object'
      ? ((body as { properties: Record<string, unknown> }).properties ?? {})
      : undefined;
  if (!properties) return json(400, armErrors.invalidRequestContent("Required property 'properties' not found in JSON"));
  const roleDefinitionId = stringProperty(properties, 'roleDefinitionId');
  const principalId = stringProperty(properties, 'principalId');
  if (!roleDefinitionId) return json(400, armErrors.invalidRequestContent("Required property 'roleDefinitionId' not found in JSON"));
  if (!principalId) return json(400, armErrors.invalidRequestContent("Required property 'principalId' not found in JSON"));

  const givenType = properties.principalType;
  const knownType = context.state.principalType(principalId);
  let principalType: FakePrincipalType;
  if (givenType === undefined || givenType === null) {
    if (!knownType) return json(400, armErrors.principalNotFound(principalId, context.state.tenantId));
    principalType = knownType;
  } else {
    const match = FAKE_PRINCIPAL_TYPES.find((t) => typeof givenType === 'string' && t.toLowerCase() === givenType.toLowerCase());
    if (!match) {
      return json(
        400,
        armErrors.invalidRequestContent(
          `Error converting value "${String(givenType)}" to type 'PrincipalType'. Path 'properties.principalType'`,
        ),
      );
    }
    if (knownType && knownType !== match) return json(400, armErrors.unmatchedPrincipalType(principalId, knownType, match));
    principalType = match;
  }

  const guid = roleDefinitionGuid(roleDefinitionId);
  if (!context.state.roleDefinitionAt(guid, check.scope, scopePath)) return json(400, armErrors.roleDefinitionDoesNotExist(guid));
  const condition = stringProperty(properties, 'condition');
  const conditionVersion = stringProperty(properties, 'conditionVersion');
  const description = stringProperty(properties, 'description');

  const sameName = context.state.roleAssignment(name);
  if (sameName) {
    const identical =
      scopeKey(sameName.scope) === scopeKey(scopePath) &&
      roleDefinitionGuid(sameName.roleDefinitionId) === guid &&
      sameName.principalId.toLowerCase() === principalId.toLowerCase() &&
      (sameName.condition ?? '') === (condition ?? '');
    return identical ? json(201, roleAssignmentPayload(sameName)) : json(400, armErrors.roleAssignmentUpdateNotPermitted());
  }
  const equivalent = context.state.equivalentRoleAssignment(scopePath, guid, principalId);
  if (equivalent) return json(409, armErrors.roleAssignmentExists(equivalent.name));

  const created = context.state.putRoleAssignment({
    scope: scopePath,
    name,
    roleDefinitionId,
    principalId,
    principalType,
    ...(condition !== undefined ? { condition } : {}),
    ...(conditionVersion !== undefined ? { conditionVersion } : {}),
    ...(description !== undefined ? { description } : {}),
  });
  return json(201, roleAssignmentPayload(created));
}

export const roleAssignmentRoutes: Route = (method, path) => {
  let m: RegExpExecArray | null;
  if (method === 'GET' && (m = LIST.exec(path))) {
    const scopePath = scopeOf(m[1]!);
    return {
      namespace: NAMESPACE,
      action: 'Microsoft.Authorization/roleAssignments/read',
      scope: scopePath,
      handle: (c) => list(c, scopePath),
    };
  }
  if ((m = ONE.exec(path))) {
    const scopePath = scopeOf(m[1]!);
    const name = m[2]!;
    if (method === 'GET') {
      return {
        namespace: NAMESPACE,
        action: 'Microsoft.Authorization/roleAssignments/read',
        scope: scopePath,
        handle: (c) => getOne(c, scopePath, name),
      };
    }
    if (method === 'PUT') {
      return {
        namespace: NAMESPACE,
        action: 'Microsoft.Authorization/roleAssignments/write',
        scope: scopePath,
        messageScope: path,
        handle: (c) => putOne(c, scopePath, name),
      };
    }
    if (method === 'DELETE') {
      return {
        namespace: NAMESPACE,
        action: 'Microsoft.Authorization/roleAssignments/delete',
        scope: scopePath,
        messageScope: path,
        handle: (c) => deleteOne(c, scopePath, name),
      };
    }
  }
  return undefined;
};
