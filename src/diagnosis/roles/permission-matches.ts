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
