import { randomUUID } from 'node:crypto';
import { builtInRoleDefinitions, type FakeRoleDefinition } from './built-in-role-definitions.js';
import { armErrors, type ArmErrorBody } from './arm-errors.js';
import type {
  FakeCustomRoleInput,
  FakeManagedCluster,
  FakeManagedClusterInput,
  FakePrincipalType,
  FakeRegistry,
  FakeRegistryInput,
  FakeRoleAssignment,
  FakeRoleAssignmentInput,
} from './fake-resources.js';
import type { RoleAssignmentFilter } from './role-assignment-filter.js';
import {
  managementGroupScope,
  parseScope,
  resourceGroupScope,
  scopeKey,
  subscriptionBoundAncestors,
  subscriptionScope,
  type FakeScope,
} from './scopes.js';

interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  managementGroup: string;
  resourceGroups: Map<string, { name: string; location: string }>;
}

export type ScopeCheck = { ok: true; scope: FakeScope } | { ok: false; status: number; body: ArmErrorBody };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The last path segment of a role definition id, or the value itself when it is a bare GUID. */
export function roleDefinitionGuid(idOrGuid: string): string {
  return (
    idOrGuid
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? ''
  ).toLowerCase();
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Everything the fake knows: the resource hierarchy, resources, role definitions, principals, assignments. */
export class FakeArmState {
  private readonly managementGroups = new Map<string, { name: string; parent: string | undefined }>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly clusters = new Map<string, FakeManagedCluster>();
  private readonly registries = new Map<string, FakeRegistry>();
  private readonly roleDefinitions = new Map<string, FakeRoleDefinition>();
  private readonly principals = new Map<string, { type: FakePrincipalType; memberOf: string[] }>();
  private readonly assignments = new Map<string, FakeRoleAssignment>();

  constructor(
    readonly tenantId: string,
    private readonly defaultCaPem: string,
  ) {
    this.managementGroups.set(tenantId.toLowerCase(), { name: tenantId, parent: undefined });
    for (const definition of builtInRoleDefinitions()) this.roleDefinitions.set(definition.guid, definition);
  }

  // ---- hierarchy ----

  addManagementGroup(input: { name: string; parent?: string }): string {
    const parent = input.parent ?? this.tenantId;
    if (!this.managementGroups.has(parent.toLowerCase())) throw new Error(`fake ARM: unknown parent management group ${parent}`);
    this.managementGroups.set(input.name.toLowerCase(), { name: input.name, parent });
    return managementGroupScope(input.name);
  }

  addSubscription(input: { subscriptionId: string; displayName?: string; managementGroup?: string }): string {
    const managementGroup = input.managementGroup ?? this.tenantId;
    if (!this.managementGroups.has(managementGroup.toLowerCase())) {
      throw new Error(`fake ARM: unknown management group ${managementGroup}`);
    }
    this.subscriptions.set(input.subscriptionId.toLowerCase(), {
      subscriptionId: input.subscriptionId,
      displayName: input.displayName ?? `Subscription ${input.subscriptionId.slice(0, 8)}`,
      managementGroup,
      resourceGroups: new Map(),
    });
    return subscriptionScope(input.subscriptionId);
  }

  addResourceGroup(input: { subscriptionId: string; name: string; location?: string }): string {
    const subscription = this.subscription(input.subscriptionId);
    if (!subscription) throw new Error(`fake ARM: add subscription ${input.subscriptionId} before its resource groups`);
    subscription.resourceGroups.set(input.name.toLowerCase(), { name: input.name, location: input.location ?? 'westeurope' });
    return resourceGroupScope(subscription.subscriptionId, input.name);
  }

  /** Every subscription's id, in the order they were added. */
  subscriptionIds(): string[] {
    return [...this.subscriptions.values()].map((s) => s.subscriptionId);
  }

  subscription(subscriptionId: string): SubscriptionRecord | undefined {
    return this.subscriptions.get(subscriptionId.toLowerCase());
  }

  resourceGroup(subscriptionId: string, name: string): { name: string; location: string } | undefined {
    return this.subscription(subscriptionId)?.resourceGroups.get(name.toLowerCase());
  }

  private requireResourceGroup(subscriptionId: string, resourceGroup: string): { name: string; location: string } {
    const rg = this.resourceGroup(subscriptionId, resourceGroup);
    if (!rg) throw new Error(`fake ARM: add resource group ${subscriptionId}/${resourceGroup} first`);
    return rg;
  }

  // ---- resources ----

  addManagedCluster(input: FakeManagedClusterInput): FakeManagedCluster {
    const rg = this.requireResourceGroup(input.subscriptionId, input.resourceGroup);
    const location = input.location ?? rg.location;
    const dnsPrefix = input.dnsPrefix ?? `${input.name}-${input.resourceGroup}-${input.subscriptionId.slice(0, 6)}`.slice(0, 54);
    const suffix = randomUUID().replace(/-/g, '').slice(0, 8);
    const fqdn = input.fqdn === null ? undefined : (input.fqdn ?? `${dnsPrefix}-${suffix}.hcp.${location}.azmk8s.io`);
    const nodeResourceGroup = input.nodeResourceGroup ?? `MC_${input.resourceGroup}_${input.name}_${location}`;
    const kubelet =
      input.kubeletIdentity === null
        ? undefined
        : {
            objectId: input.kubeletIdentity?.objectId ?? randomUUID(),
            clientId: input.kubeletIdentity?.clientId ?? randomUUID(),
            resourceId:
              input.kubeletIdentity?.resourceId ??
              `/subscriptions/${input.subscriptionId}/resourcegroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${input.name}-agentpool`,
          };
    const apiHost = fqdn ?? input.privateFqdn ?? `${dnsPrefix}.hcp.${location}.azmk8s.io`;
    const cluster: FakeManagedCluster = {
      id: `${resourceGroupScope(input.subscriptionId, rg.name)}/providers/Microsoft.ContainerService/managedClusters/${input.name}`,
      subscriptionId: input.subscriptionId,
      resourceGroup: rg.name,
      name: input.name,
      location,
      dnsPrefix,
      fqdn,
      privateFqdn: input.privateFqdn,
      kubernetesVersion: input.kubernetesVersion ?? '1.32.7',
      powerState: input.powerState ?? 'Running',
      provisioningState: input.provisioningState ?? 'Succeeded',
      kubeletIdentity: kubelet,
      servicePrincipalClientId: input.servicePrincipalClientId ?? (kubelet ? 'msi' : randomUUID()),
      nodeResourceGroup,
      systemAssignedPrincipalId: randomUUID(),
      tags: input.tags ?? {},
      kubeconfig: {
        server: input.kubeconfig?.server ?? `https://${apiHost}:443`,
        caPem: input.kubeconfig?.caPem ?? this.defaultCaPem,
        user: input.kubeconfig?.user ?? { kind: 'exec' },
      },
    };
    this.clusters.set(cluster.id.toLowerCase(), cluster);
    return cluster;
  }

  cluster(id: string): FakeManagedCluster | undefined {
    return this.clusters.get(scopeKey(id));
  }

  clustersIn(subscriptionId: string, resourceGroup?: string): FakeManagedCluster[] {
    return [...this.clusters.values()].filter(
      (c) =>
        c.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (resourceGroup === undefined || c.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    );
  }

  addRegistry(input: FakeRegistryInput): FakeRegistry {
    const rg = this.requireResourceGroup(input.subscriptionId, input.resourceGroup);
    const registry: FakeRegistry = {
      id: `${resourceGroupScope(input.subscriptionId, rg.name)}/providers/Microsoft.ContainerRegistry/registries/${input.name}`,
      subscriptionId: input.subscriptionId,
      resourceGroup: rg.name,
      name: input.name,
      location: input.location ?? rg.location,
      sku: input.sku ?? 'Standard',
      loginServer: input.loginServer ?? `${input.name.toLowerCase()}.azurecr.io`,
      publicNetworkAccess: input.publicNetworkAccess ?? 'Enabled',
      networkRuleSet: { defaultAction: input.networkRuleSet?.defaultAction ?? 'Allow', ipRules: input.networkRuleSet?.ipRules ?? [] },
      networkRuleBypassOptions: input.networkRuleBypassOptions ?? 'AzureServices',
      privateEndpointConnections: (input.privateEndpointConnections ?? []).map((c) => ({
        name: c.name,
        privateEndpointId:
          c.privateEndpointId ??
          `${resourceGroupScope(input.subscriptionId, rg.name)}/providers/Microsoft.Network/privateEndpoints/${c.name}`,
        status: c.status ?? 'Approved',
      })),
      roleAssignmentMode: input.roleAssignmentMode ?? 'LegacyRegistryPermissions',
      anonymousPullEnabled: input.anonymousPullEnabled ?? false,
      dataEndpointEnabled: input.dataEndpointEnabled ?? false,
      adminUserEnabled: input.adminUserEnabled ?? false,
      tags: input.tags ?? {},
      creationDate: new Date().toISOString(),
    };
    this.registries.set(registry.id.toLowerCase(), registry);
    return registry;
  }

  registry(id: string): FakeRegistry | undefined {
    return this.registries.get(scopeKey(id));
  }

  registriesIn(subscriptionId: string, resourceGroup?: string): FakeRegistry[] {
    return [...this.registries.values()].filter(
      (r) =>
        r.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (resourceGroup === undefined || r.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    );
  }

  // ---- scopes ----

  /** Whether a scope exists, with ARM's 404 when it does not. */
  checkScope(path: string): ScopeCheck {
    const scope = parseScope(path);
    if (!scope) return { ok: false, status: 400, body: armErrors.invalidRequestContent(`invalid scope '${path}'`) };
    if (scope.kind === 'tenant') return { ok: true, scope };
    if (scope.kind === 'managementGroup') {
      return this.managementGroups.has(scope.name.toLowerCase())
        ? { ok: true, scope }
        : { ok: false, status: 404, body: armErrors.managementGroupNotFound(scope.name) };
    }
    if (!this.subscription(scope.subscriptionId)) {
      return { ok: false, status: 404, body: armErrors.subscriptionNotFound(scope.subscriptionId) };
    }
    if (scope.kind === 'subscription') return { ok: true, scope };
    if (!this.resourceGroup(scope.subscriptionId, scope.resourceGroup)) {
      return { ok: false, status: 404, body: armErrors.resourceGroupNotFound(scope.resourceGroup) };
    }
    if (scope.kind === 'resourceGroup') return { ok: true, scope };
    const outer = `${resourceGroupScope(scope.subscriptionId, scope.resourceGroup)}/providers/${scope.namespace}/${scope.chain[0]![0]}/${scope.chain[0]![1]}`;
    if (this.cluster(outer) || this.registry(outer)) return { ok: true, scope };
    return {
      ok: false,
      status: 404,
      body: armErrors.resourceNotFound(`${scope.namespace}/${scope.chain[0]![0]}`, scope.chain[0]![1], scope.resourceGroup),
    };
  }

  /** Keys of every scope strictly above `scope`, nearest first, ending with the tenant root `/`. */
  ancestorKeys(scope: FakeScope): string[] {
    const out: string[] = subscriptionBoundAncestors(scope).map(scopeKey);
    let group: string | undefined;
    if (scope.kind === 'managementGroup') group = this.managementGroups.get(scope.name.toLowerCase())?.parent;
    else if (scope.kind !== 'tenant') group = this.subscription(scope.subscriptionId)?.managementGroup;
    while (group !== undefined) {
      out.push(scopeKey(managementGroupScope(group)));
      group = this.managementGroups.get(group.toLowerCase())?.parent;
    }
    if (scope.kind !== 'tenant') out.push('/');
    return out;
  }

  // ---- principals and role definitions ----

  addPrincipal(input: { objectId: string; principalType: FakePrincipalType; memberOf?: string[] }): void {
    this.principals.set(input.objectId.toLowerCase(), { type: input.principalType, memberOf: input.memberOf ?? [] });
  }

  principalType(objectId: string): FakePrincipalType | undefined {
    return this.principals.get(objectId.toLowerCase())?.type;
  }

  /** The principal and every group it belongs to, directly or through other groups (lowercase ids). */
  principalAndGroups(objectId: string): Set<string> {
    const out = new Set<string>([objectId.toLowerCase()]);
    const queue = [objectId.toLowerCase()];
    while (queue.length > 0) {
      for (const group of this.principals.get(queue.shift()!)?.memberOf ?? []) {
        const key = group.toLowerCase();
        if (!out.has(key)) {
          out.add(key);
          queue.push(key);
        }
      }
    }
    return out;
  }

  addRoleDefinition(input: FakeCustomRoleInput): FakeRoleDefinition {
    const now = new Date().toISOString();
    const definition: FakeRoleDefinition = {
      guid: (input.guid ?? randomUUID()).toLowerCase(),
      roleName: input.roleName,
      type: 'CustomRole',
      description: input.description ?? '',
      assignableScopes: input.assignableScopes,
      permissions: input.permissions.map((p) => ({
        actions: p.actions ?? [],
        notActions: p.notActions ?? [],
        dataActions: p.dataActions ?? [],
        notDataActions: p.notDataActions ?? [],
      })),
      createdOn: now,
      updatedOn: now,
    };
    this.roleDefinitions.set(definition.guid, definition);
    return definition;
  }

  /** A role definition assignable at `scope`: built-ins everywhere, custom roles at or below one of their assignable scopes. */
  roleDefinitionAt(guid: string, scope: FakeScope, scopePath: string): FakeRoleDefinition | undefined {
    const definition = this.roleDefinitions.get(guid.toLowerCase());
    if (!definition) return undefined;
    const reachable = new Set([scopeKey(scopePath), ...this.ancestorKeys(scope)]);
    return definition.assignableScopes.some((s) => reachable.has(scopeKey(s))) ? definition : undefined;
  }

  /**
   * A role definition read by id at `scope` (GET …/roleDefinitions/{guid}): what is assignable there, and at a
   * subscription also the custom roles assignable only below it. ARM gives a custom role the subscription-level id
   * `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}` whatever its assignable scopes
   * (a role created for one resource group included), and every role assignment carries that id, so reading it
   * answers the role. At the tenant root only roles assignable at `/` (the built-ins) exist: a custom role read
   * there by bare GUID is RoleDefinitionDoesNotExist.
   */
  roleDefinitionById(guid: string, scope: FakeScope, scopePath: string): FakeRoleDefinition | undefined {
    const assignable = this.roleDefinitionAt(guid, scope, scopePath);
    if (assignable || scope.kind !== 'subscription') return assignable;
    const definition = this.roleDefinitions.get(guid.toLowerCase());
    const subscription = scopeKey(scopePath);
    return definition?.assignableScopes.some((s) => scopeKey(s).startsWith(`${subscription}/`)) ? definition : undefined;
  }

  roleDefinitionsAt(scope: FakeScope, scopePath: string): FakeRoleDefinition[] {
    return [...this.roleDefinitions.values()].filter((d) => this.roleDefinitionAt(d.guid, scope, scopePath) !== undefined);
  }

  /** The id ARM gives a role definition seen from `scope`: subscription-qualified below a subscription. */
  roleDefinitionIdAt(guid: string, scope: FakeScope): string {
    const prefix = scope.kind === 'tenant' || scope.kind === 'managementGroup' ? '' : subscriptionScope(scope.subscriptionId);
    return `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${guid.toLowerCase()}`;
  }

  // ---- role assignments ----

  /** Stores an assignment as given (the HTTP PUT route validates before calling this). */
  putRoleAssignment(input: FakeRoleAssignmentInput & { principalType: FakePrincipalType }): FakeRoleAssignment {
    const scope = parseScope(input.scope);
    if (!scope) throw new Error(`fake ARM: invalid scope ${input.scope}`);
    const name = (input.name ?? randomUUID()).toLowerCase();
    const canonicalScope = input.scope === '/' ? '/' : input.scope.replace(/\/+$/, '');
    const now = new Date().toISOString();
    const existing = this.assignments.get(name);
    const assignment: FakeRoleAssignment = {
      id: `${canonicalScope === '/' ? '' : canonicalScope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      scope: canonicalScope,
      roleDefinitionId: this.roleDefinitionIdAt(roleDefinitionGuid(input.roleDefinitionId), scope),
      principalId: input.principalId,
      principalType: input.principalType,
      condition: input.condition,
      conditionVersion: input.condition !== undefined ? (input.conditionVersion ?? '2.0') : undefined,
      description: input.description,
      createdOn: existing?.createdOn ?? now,
      updatedOn: now,
    };
    this.assignments.set(name, assignment);
    return assignment;
  }

  roleAssignment(name: string): FakeRoleAssignment | undefined {
    return this.assignments.get(name.toLowerCase());
  }

  deleteRoleAssignment(name: string): FakeRoleAssignment | undefined {
    const existing = this.assignments.get(name.toLowerCase());
    this.assignments.delete(name.toLowerCase());
    return existing;
  }

  allRoleAssignments(): FakeRoleAssignment[] {
    return [...this.assignments.values()];
  }

  /** The same principal, role and scope under any name (ARM's uniqueness rule for RoleAssignmentExists). */
  equivalentRoleAssignment(scopePath: string, roleDefinitionId: string, principalId: string): FakeRoleAssignment | undefined {
    const key = scopeKey(scopePath);
    const guid = roleDefinitionGuid(roleDefinitionId);
    return this.allRoleAssignments().find(
      (a) =>
        scopeKey(a.scope) === key &&
        roleDefinitionGuid(a.roleDefinitionId) === guid &&
        a.principalId.toLowerCase() === principalId.toLowerCase(),
    );
  }

  /** Role assignments seen from `scope` with ARM's `$filter` semantics (see role-assignment-filter.ts). */
  listRoleAssignments(scope: FakeScope, scopePath: string, filter: RoleAssignmentFilter): FakeRoleAssignment[] {
    const here = scopeKey(scopePath);
    const above = new Set(this.ancestorKeys(scope));
    const includeBelow = filter.kind === 'none' || filter.kind === 'principalId' || filter.kind === 'assignedTo';
    const principals =
      filter.kind === 'principalId'
        ? new Set([filter.principalId.toLowerCase()])
        : filter.kind === 'assignedTo' || filter.kind === 'atScopeAndAssignedTo'
          ? this.principalAndGroups(filter.principalId)
          : undefined;
    return this.allRoleAssignments().filter((a) => {
      if (principals && !principals.has(a.principalId.toLowerCase())) return false;
      const key = scopeKey(a.scope);
      if (key === here || above.has(key)) return true;
      if (!includeBelow) return false;
      const assignmentScope = parseScope(a.scope);
      return assignmentScope !== undefined && this.ancestorKeys(assignmentScope).includes(here);
    });
  }
}
