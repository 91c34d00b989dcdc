import { armErrors } from '../arm-errors.js';
import { roleDefinitionPayload } from '../payloads.js';
import { json, page, type Reply, type Route, type RouteContext } from '../route.js';

const NAMESPACE = 'Microsoft.Authorization';
const READ = 'Microsoft.Authorization/roleDefinitions/read';
const LIST = /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions$/i;
const ONE = /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;
const ROLE_NAME_EQ = /^\s*roleName\s+eq\s+'([^']*)'\s*$/i;
const TYPE_EQ = /^\s*type\s+eq\s+'(BuiltInRole|CustomRole)'\s*$/i;

function scopeOf(prefix: string): string {
  return prefix === '' ? '/' : prefix;
}

function list(context: RouteContext, scopePath: string): Reply {
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const raw = context.request.url.searchParams.get('$filter');
  let definitions = context.state.roleDefinitionsAt(check.scope, scopePath);
  if (raw !== null && raw.trim() !== '') {
    const byName = ROLE_NAME_EQ.exec(raw);
    const byType = TYPE_EQ.exec(raw);
    if (byName) definitions = definitions.filter((d) => d.roleName.toLowerCase() === byName[1]!.toLowerCase());
    else if (byType) definitions = definitions.filter((d) => d.type.toLowerCase() === byType[1]!.toLowerCase());
    else return json(400, armErrors.unsupportedRoleDefinitionFilter(raw));
  }
  return page(
    definitions.map((d) => roleDefinitionPayload(d, context.state.roleDefinitionIdAt(d.guid, check.scope))),
    context,
  );
}

function getOne(context: RouteContext, scopePath: string, guid: string): Reply {
  const check = context.state.checkScope(scopePath);
  if (!check.ok) return json(check.status, check.body);
  const definition = context.state.roleDefinitionById(guid, check.scope, scopePath);
  if (!definition) return json(404, armErrors.roleDefinitionDoesNotExist(guid));
  return json(200, roleDefinitionPayload(definition, context.state.roleDefinitionIdAt(definition.guid, check.scope)));
}

export const roleDefinitionRoutes: Route = (method, path) => {
  if (method !== 'GET') return undefined;
  let m: RegExpExecArray | null;
  if ((m = LIST.exec(path))) {
    const scopePath = scopeOf(m[1]!);
    return { namespace: NAMESPACE, action: READ, scope: scopePath, handle: (c) => list(c, scopePath) };
  }
  if ((m = ONE.exec(path))) {
    const scopePath = scopeOf(m[1]!);
    const guid = m[2]!;
    return { namespace: NAMESPACE, action: READ, scope: scopePath, handle: (c) => getOne(c, scopePath, guid) };
  }
  return undefined;
};
