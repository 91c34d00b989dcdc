/**
 * Scopes as the fake sees them: the tenant root (`/`), management groups, subscriptions, resource groups and
 * resources (possibly nested). ARM compares ids case-insensitively; `scopeKey` is the comparison form.
 * Deliberately independent of the product's resource-id parser, so that a bug in one is not mirrored by the other.
 */

export type FakeScope =
  | { kind: 'tenant' }
  | { kind: 'managementGroup'; name: string }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'resourceGroup'; subscriptionId: string; resourceGroup: string }
  | {
      kind: 'resource';
      subscriptionId: string;
      resourceGroup: string;
      namespace: string;
      /** Type and name pairs, outermost first: `[['registries', 'acr1']]`. */
      chain: Array<[string, string]>;
    };

export function scopeKey(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return (trimmed.startsWith('/') ? trimmed : `/${trimmed}`).toLowerCase();
}

/** Parses `/`, `/providers/Microsoft.Management/managementGroups/{mg}`, `/subscriptions/...`; undefined if none. */
export function parseScope(path: string): FakeScope | undefined {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return { kind: 'tenant' };
  const parts = trimmed.replace(/^\//, '').split('/');
  if (parts.some((p) => p === '')) return undefined;
  const lower = parts.map((p) => p.toLowerCase());
  if (lower[0] === 'providers') {
    if (parts.length === 4 && lower[1] === 'microsoft.management' && lower[2] === 'managementgroups') {
      return { kind: 'managementGroup', name: parts[3]! };
    }
    return undefined;
  }
  if (lower[0] !== 'subscriptions' || parts.length < 2) return undefined;
  const subscriptionId = parts[1]!;
  if (parts.length === 2) return { kind: 'subscription', subscriptionId };
  if (lower[2] !== 'resourcegroups' || parts.length < 4) return undefined;
  const resourceGroup = parts[3]!;
  if (parts.length === 4) return { kind: 'resourceGroup', subscriptionId, resourceGroup };
  if (lower[4] !== 'providers' || parts.length < 8 || parts.length % 2 !== 0) return undefined;
  const namespace = parts[5]!;
  const chain: Array<[string, string]> = [];
  for (let i = 6; i < parts.length; i += 2) chain.push([parts[i]!, parts[i + 1]!]);
  return { kind: 'resource', subscriptionId, resourceGroup, namespace, chain };
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupScope(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function managementGroupScope(name: string): string {
  return `/providers/Microsoft.Management/managementGroups/${name}`;
}

/**
 * The scopes strictly above a subscription-bound scope, nearest first, without management groups (the caller
 * appends those from its hierarchy): parent resources, the resource group, the subscription.
 */
export function subscriptionBoundAncestors(scope: FakeScope): string[] {
  if (scope.kind === 'resource') {
    const out: string[] = [];
    for (let depth = scope.chain.length - 1; depth >= 1; depth--) {
      const chain = scope.chain
        .slice(0, depth)
        .map(([t, n]) => `${t}/${n}`)
        .join('/');
      out.push(`${resourceGroupScope(scope.subscriptionId, scope.resourceGroup)}/providers/${scope.namespace}/${chain}`);
    }
    out.push(resourceGroupScope(scope.subscriptionId, scope.resourceGroup));
    out.push(subscriptionScope(scope.subscriptionId));
    return out;
  }
  if (scope.kind === 'resourceGroup') return [subscriptionScope(scope.subscriptionId)];
  return [];
}
