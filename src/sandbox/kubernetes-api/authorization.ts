/**
 * RBAC, reduced to what a test needs: a list of PolicyRules (as in a Role or ClusterRole) bound to every caller.
 * A rule with `namespace` behaves like a Role bound by a RoleBinding in that namespace; without, like a
 * ClusterRole bound by a ClusterRoleBinding. No rules configured means everything is allowed.
 */

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  /** Limit the rule to one namespace (RoleBinding); cluster-scoped requests never match such a rule. */
  namespace?: string;
}

export interface AuthorizationAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function ruleAllows(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  if (rule.namespace !== undefined && rule.namespace !== a.namespace) return false;
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (!rule.apiGroups.includes('*') && !rule.apiGroups.includes(a.apiGroup)) return false;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceMatches =
    rule.resources.includes('*') ||
    rule.resources.includes(resource) ||
    (a.subresource !== undefined && rule.resources.includes(`*/${a.subresource}`));
  if (!resourceMatches) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return a.name !== undefined && rule.resourceNames.includes(a.name);
  return true;
}

export function isAllowed(rules: readonly PolicyRule[] | undefined, attributes: AuthorizationAttributes): boolean {
  if (rules === undefined) return true;
  return rules.some((rule) => ruleAllows(rule, attributes));
}
