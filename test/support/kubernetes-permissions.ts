/**
 * Which Kubernetes permissions Pull Doctor needs, derived from the calls it makes, and how they compare with what the
 * RBAC manifests in infra/k8s/ grant. One module so that the derivation can switch from the static list below to a
 * recorded session of the fake Kubernetes API (src/sandbox/kubernetes-api/, whose `requests` log has this shape:
 * { method, path, verb, apiGroup, resource, namespace?, name?, subresource? }) without touching the tests: make
 * botKubernetesCalls() return `fake.requests` of a session that drives the real code (diagnosis, alert watcher).
 *
 * KUBERNETES_READER_CALLS was checked against such a recording: createKubernetesReader's six methods, run against
 * startFakeKubernetesApi on the kube branch, record exactly these six requests.
 */

/** One Kubernetes API request, as the fake API server records it (RequestInfo, like k8s.io/apiserver). */
export interface KubernetesCall {
  method: string;
  path: string;
  verb: string;
  /** '' for the core group. */
  apiGroup: string;
  /** Plural resource; '' for non-resource URLs (discovery, /version), which need no RBAC rule. */
  resource: string;
  namespace?: string;
  name?: string;
  /** `log`, `status`, `exec`...: RBAC names it `<resource>/<subresource>`. */
  subresource?: string;
}

/** The namespace the bot keeps its leader-election lease in (infra/k8s/namespace.yaml). */
export const BOT_NAMESPACE = 'pulldoctor';

/**
 * The calls of src/clients/kubernetes/kubernetes-reader.ts, one per KubernetesReader method, as the fake API
 * server would record them for a pod `web-7d4c9` in namespace `shop`:
 *   readPod            GET /api/v1/namespaces/{ns}/pods/{name}             get pods
 *   listPods           GET /api/v1/namespaces/{ns}/pods?limit=500          list pods
 *   listPodsInAllNamespaces  GET /api/v1/pods?limit=500                     list pods (cluster-wide: a ClusterRole)
 *   namespaceExists    GET /api/v1/namespaces/{ns}                          get namespaces (cluster-scoped: a ClusterRole)
 *   namespacesWithPod  GET /api/v1/pods?fieldSelector=metadata.name=...     list pods (all namespaces: a ClusterRole)
 *   listPodEvents      GET /api/v1/namespaces/{ns}/events?fieldSelector=... list events
 *   readServiceAccount GET /api/v1/namespaces/{ns}/serviceaccounts/{name}   get serviceaccounts
 *   readSecret         GET /api/v1/namespaces/{ns}/secrets/{name}           get secrets
 * Note: namespaceExists reads the Namespace object (`get namespaces`), which only a ClusterRole can grant in general;
 * the request carries the namespace as its own name, so a RoleBinding in that very namespace would also do.
 */
export const KUBERNETES_READER_CALLS: readonly KubernetesCall[] = [
  {
    method: 'GET',
    path: '/api/v1/namespaces/shop/pods/web-7d4c9',
    verb: 'get',
    apiGroup: '',
    resource: 'pods',
    namespace: 'shop',
    name: 'web-7d4c9',
  },
  { method: 'GET', path: '/api/v1/namespaces/shop/pods', verb: 'list', apiGroup: '', resource: 'pods', namespace: 'shop' },
  { method: 'GET', path: '/api/v1/pods', verb: 'list', apiGroup: '', resource: 'pods' },
  { method: 'GET', path: '/api/v1/namespaces/shop', verb: 'get', apiGroup: '', resource: 'namespaces', namespace: 'shop', name: 'shop' },
  { method: 'GET', path: '/api/v1/pods', verb: 'list', apiGroup: '', resource: 'pods' },
  { method: 'GET', path: '/api/v1/namespaces/shop/events', verb: 'list', apiGroup: '', resource: 'events', namespace: 'shop' },
  {
    method: 'GET',
    path: '/api/v1/namespaces/shop/serviceaccounts/default',
    verb: 'get',
    apiGroup: '',
    resource: 'serviceaccounts',
    namespace: 'shop',
    name: 'default',
  },
  {
    method: 'GET',
    path: '/api/v1/namespaces/shop/secrets/acr-pull',
    verb: 'get',
    apiGroup: '',
    resource: 'secrets',
    namespace: 'shop',
    name: 'acr-pull',
  },
];

/**
 * The alert watcher (an informer over every namespace's pods) and its leader election (a coordination.k8s.io Lease in
 * the bot's namespace: get, create when absent, update to renew). test/infra/kubernetes-calls-recorded.test.ts
 * records a session of the real code (every sandbox diagnosis plus the watcher with leader election) and checks that
 * it needs exactly the permissions of these lists.
 */
export const ANNOUNCED_ALERT_WATCHER_CALLS: readonly KubernetesCall[] = [
  { method: 'GET', path: '/api/v1/pods', verb: 'list', apiGroup: '', resource: 'pods' },
  { method: 'GET', path: '/api/v1/pods', verb: 'watch', apiGroup: '', resource: 'pods' },
  {
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/${BOT_NAMESPACE}/leases/pulldoctor-alerts`,
    verb: 'get',
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    namespace: BOT_NAMESPACE,
    name: 'pulldoctor-alerts',
  },
  {
    method: 'POST',
    path: `/apis/coordination.k8s.io/v1/namespaces/${BOT_NAMESPACE}/leases`,
    verb: 'create',
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    namespace: BOT_NAMESPACE,
  },
  {
    method: 'PUT',
    path: `/apis/coordination.k8s.io/v1/namespaces/${BOT_NAMESPACE}/leases/pulldoctor-alerts`,
    verb: 'update',
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    namespace: BOT_NAMESPACE,
    name: 'pulldoctor-alerts',
  },
];

/** The calls the RBAC manifests must cover. */
export function botKubernetesCalls(): KubernetesCall[] {
  return [...KUBERNETES_READER_CALLS, ...ANNOUNCED_ALERT_WATCHER_CALLS];
}

/** `apiGroup|resource|verb`, the unit of an RBAC rule. */
export type PermissionKey = string;

export function permissionKey(apiGroup: string, resource: string, verb: string): PermissionKey {
  return `${apiGroup}|${resource}|${verb}`;
}

export interface RequiredPermissions {
  /** Needed outside the bot's namespace (or on cluster-scoped objects): a ClusterRole bound cluster-wide. */
  clusterWide: Set<PermissionKey>;
  /** Needed only in the bot's namespace: a Role there. */
  botNamespace: Set<PermissionKey>;
}

export function requiredPermissions(calls: readonly KubernetesCall[], botNamespace: string = BOT_NAMESPACE): RequiredPermissions {
  const required: RequiredPermissions = { clusterWide: new Set(), botNamespace: new Set() };
  for (const call of calls) {
    if (call.resource === '') continue;
    const resource = call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
    const key = permissionKey(call.apiGroup, resource, call.verb);
    (call.namespace === botNamespace ? required.botNamespace : required.clusterWide).add(key);
  }
  for (const key of required.clusterWide) required.botNamespace.delete(key);
  return required;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface RbacObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { apiGroup?: string; kind?: string; name?: string };
  subjects?: Array<{ apiGroup?: string; kind?: string; name?: string; namespace?: string }>;
}

export interface Grant {
  key: PermissionKey;
  /** Where it comes from, for messages: `ClusterRole/pulldoctor-reader`. */
  source: string;
}

export interface GrantedPermissions {
  clusterWide: Grant[];
  /** Grants that apply in the bot's namespace only (Roles, or ClusterRoles bound by a RoleBinding there). */
  botNamespace: Grant[];
  /** Grants in other namespaces: the bot should have none. */
  otherNamespaces: Grant[];
}

function expand(rule: PolicyRule, source: string): Grant[] {
  if (rule.resourceNames?.length || rule.nonResourceURLs?.length) {
    throw new Error(`${source}: resourceNames and nonResourceURLs are not modelled; extend kubernetes-permissions.ts`);
  }
  const grants: Grant[] = [];
  for (const apiGroup of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) grants.push({ key: permissionKey(apiGroup, resource, verb), source });
    }
  }
  return grants;
}

/**
 * What the manifests grant to `subject` (a { kind, name } of the bot), through ClusterRoleBindings and RoleBindings
 * whose roleRef names a ClusterRole or Role defined in the same manifests.
 */
export function grantedPermissions(
  objects: readonly unknown[],
  subject: { kind: string; name: string },
  botNamespace: string = BOT_NAMESPACE,
): GrantedPermissions {
  const rbac = objects as RbacObject[];
  const clusterRoles = new Map(rbac.filter((o) => o.kind === 'ClusterRole').map((o) => [o.metadata?.name, o]));
  const roles = new Map(rbac.filter((o) => o.kind === 'Role').map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o]));
  const bindsSubject = (binding: RbacObject) => (binding.subjects ?? []).some((s) => s.kind === subject.kind && s.name === subject.name);
  const rulesOf = (role: RbacObject | undefined, what: string): Grant[] => {
    if (!role) throw new Error(`${what} is bound but not defined in the manifests`);
    return (role.rules ?? []).flatMap((rule) => expand(rule, `${role.kind}/${role.metadata?.name}`));
  };

  const granted: GrantedPermissions = { clusterWide: [], botNamespace: [], otherNamespaces: [] };
  for (const binding of rbac.filter((o) => o.kind === 'ClusterRoleBinding' && bindsSubject(o))) {
    if (binding.roleRef?.kind !== 'ClusterRole')
      throw new Error(`ClusterRoleBinding/${binding.metadata?.name} must refer to a ClusterRole`);
    granted.clusterWide.push(...rulesOf(clusterRoles.get(binding.roleRef.name), `ClusterRole/${binding.roleRef.name}`));
  }
  for (const binding of rbac.filter((o) => o.kind === 'RoleBinding' && bindsSubject(o))) {
    const namespace = binding.metadata?.namespace;
    const grants =
      binding.roleRef?.kind === 'ClusterRole'
        ? rulesOf(clusterRoles.get(binding.roleRef.name), `ClusterRole/${binding.roleRef.name}`)
        : rulesOf(roles.get(`${namespace}/${binding.roleRef?.name}`), `Role/${binding.roleRef?.name} in ${namespace}`);
    (namespace === botNamespace ? granted.botNamespace : granted.otherNamespaces).push(...grants);
  }
  return granted;
}

function covers(grant: PermissionKey, needed: PermissionKey): boolean {
  const [g, r, v] = grant.split('|');
  const [ng, nr, nv] = needed.split('|');
  return (g === '*' || g === ng) && (r === '*' || r === nr) && (v === '*' || v === nv);
}

export interface PermissionComparison {
  /** Needed but not granted, with where it is needed. */
  missing: string[];
  /** Granted but not needed (wildcards are always excess), with their source. */
  excess: string[];
}

export function comparePermissions(required: RequiredPermissions, granted: GrantedPermissions): PermissionComparison {
  const missing: string[] = [];
  const excess: string[] = [];
  const clusterKeys = granted.clusterWide.map((g) => g.key);
  const namespaceKeys = granted.botNamespace.map((g) => g.key);
  for (const key of required.clusterWide) {
    if (!clusterKeys.some((g) => covers(g, key))) missing.push(`${key} (cluster-wide)`);
  }
  for (const key of required.botNamespace) {
    if (![...clusterKeys, ...namespaceKeys].some((g) => covers(g, key))) missing.push(`${key} (namespace ${BOT_NAMESPACE})`);
  }
  for (const grant of granted.clusterWide) {
    if (!required.clusterWide.has(grant.key)) excess.push(`${grant.key} from ${grant.source} (cluster-wide)`);
  }
  for (const grant of granted.botNamespace) {
    if (!required.botNamespace.has(grant.key)) excess.push(`${grant.key} from ${grant.source} (namespace ${BOT_NAMESPACE})`);
  }
  for (const grant of granted.otherNamespaces) excess.push(`${grant.key} from ${grant.source} (another namespace)`);
  return { missing: [...new Set(missing)].sort(), excess: [...new Set(excess)].sort() };
}

/**
 * The Azure RBAC for Kubernetes data actions for permissions: Microsoft.ContainerService/managedClusters/
 * [<group>/]<resource>/read for get, list and watch; .../write for create, update and patch; .../delete for delete.
 * https://learn.microsoft.com/azure/aks/manage-azure-rbac and the data actions of the AKS built-in roles
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers).
 */
export function azureDataActions(keys: Iterable<PermissionKey>): Set<string> {
  const actions = new Set<string>();
  for (const key of keys) {
    const [apiGroup, resource, verb] = key.split('|') as [string, string, string];
    const operation = ['get', 'list', 'watch'].includes(verb)
      ? 'read'
      : ['create', 'update', 'patch'].includes(verb)
        ? 'write'
        : verb === 'delete'
          ? 'delete'
          : undefined;
    if (!operation) throw new Error(`no Azure data action for verb ${verb}`);
    actions.add(`Microsoft.ContainerService/managedClusters/${apiGroup ? `${apiGroup}/` : ''}${resource}/${operation}`);
  }
  return actions;
}

/**
 * The data actions of the built-in "Azure Kubernetes Service RBAC Reader" role (7f6c6a51-bcf8-42ba-9220-52d62157d7db),
 * as published in https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#azure-kubernetes-service-rbac-reader.
 * No secrets (deliberately: reading secrets would let a reader act as any service account) and no leases.
 */
export const AKS_RBAC_READER_DATA_ACTIONS: readonly string[] = [
  'Microsoft.ContainerService/managedClusters/apps/controllerrevisions/read',
  'Microsoft.ContainerService/managedClusters/apps/daemonsets/read',
  'Microsoft.ContainerService/managedClusters/apps/deployments/read',
  'Microsoft.ContainerService/managedClusters/apps/replicasets/read',
  'Microsoft.ContainerService/managedClusters/apps/statefulsets/read',
  'Microsoft.ContainerService/managedClusters/autoscaling/horizontalpodautoscalers/read',
  'Microsoft.ContainerService/managedClusters/batch/cronjobs/read',
  'Microsoft.ContainerService/managedClusters/batch/jobs/read',
  'Microsoft.ContainerService/managedClusters/configmaps/read',
  'Microsoft.ContainerService/managedClusters/discovery.k8s.io/endpointslices/read',
  'Microsoft.ContainerService/managedClusters/endpoints/read',
  'Microsoft.ContainerService/managedClusters/events.k8s.io/events/read',
  'Microsoft.ContainerService/managedClusters/events/read',
  'Microsoft.ContainerService/managedClusters/extensions/daemonsets/read',
  'Microsoft.ContainerService/managedClusters/extensions/deployments/read',
  'Microsoft.ContainerService/managedClusters/extensions/ingresses/read',
  'Microsoft.ContainerService/managedClusters/extensions/networkpolicies/read',
  'Microsoft.ContainerService/managedClusters/extensions/replicasets/read',
  'Microsoft.ContainerService/managedClusters/limitranges/read',
  'Microsoft.ContainerService/managedClusters/metrics.k8s.io/pods/read',
  'Microsoft.ContainerService/managedClusters/metrics.k8s.io/nodes/read',
  'Microsoft.ContainerService/managedClusters/namespaces/read',
  'Microsoft.ContainerService/managedClusters/networking.k8s.io/ingresses/read',
  'Microsoft.ContainerService/managedClusters/networking.k8s.io/networkpolicies/read',
  'Microsoft.ContainerService/managedClusters/persistentvolumeclaims/read',
  'Microsoft.ContainerService/managedClusters/pods/read',
  'Microsoft.ContainerService/managedClusters/policy/poddisruptionbudgets/read',
  'Microsoft.ContainerService/managedClusters/replicationcontrollers/read',
  'Microsoft.ContainerService/managedClusters/resourcequotas/read',
  'Microsoft.ContainerService/managedClusters/serviceaccounts/read',
  'Microsoft.ContainerService/managedClusters/services/read',
];
