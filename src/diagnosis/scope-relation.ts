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
