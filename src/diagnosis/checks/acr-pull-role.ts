import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import { describeScopeRelation } from '../roles/pull-access.js';
import { pullRoleFor } from '../roles/rbac.js';
import type { Finding } from '../types.js';

/**
 * Does the cluster's kubelet identity hold a role that lets it pull from the registry? Inherited assignments
 * (resource group, subscription, management group) count; in ABAC-mode registries only the repository roles do.
 */
export const acrPullRoleCheck: Check = {
  id: 'acr-pull-role',
  title: 'Kubelet identity pull permission',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().some(isAzureContainerRegistry),
  async run(ctx) {
    const refs = ctx.facts.validReferences().filter((r) => isAzureContainerRegistry(r.registry));
    return Promise.all(
      refs.map(async (ref): Promise<Finding> => {
        const access = await ctx.facts.kubeletPullAccess({ registry: ref.registry, repository: ref.repository });
        if (access.status === 'skipped') return finding('acr-pull-role', 'skip', `Not checked: ${access.reason}`);
        if (access.status === 'missing') return finding('acr-pull-role', 'warn', access.reason);
        const { evaluation, registry, principalId, cluster } = access.value;
        const notHonoured = evaluation.notHonoured.map(
          (n) => `${n.roleName} ${describeScopeRelation(n.assignment.scope, registry.id)}: ${n.why}`,
        );
        if (evaluation.canPull) {
          const g = evaluation.granting[0]!;
          return finding(
            'acr-pull-role',
            'pass',
            `The kubelet identity can pull from ${registry.name}: ${g.roleName} ${describeScopeRelation(g.assignment.scope, registry.id)}.`,
            {
              detail: [
                ...evaluation.granting.slice(1).map((x) => `Also ${x.roleName} ${describeScopeRelation(x.assignment.scope, registry.id)}.`),
                ...notHonoured.map((n) => `Not counted: ${n}.`),
              ].join('\n'),
            },
          );
        }
        const role = pullRoleFor(registry.roleAssignmentMode);
        const abac = registry.roleAssignmentMode === 'AbacRepositoryPermissions';
        // ACR answers "not found" only to a client it has let in: the node got past sign-in (anonymous pull, or a
        // role this check cannot see), so the role is not why this pod fails and assigning one would not fix it.
        const pastSignIn = (await ctx.facts.pullError())?.cause === 'image-not-found';
        if (pastSignIn) {
          return finding(
            'acr-pull-role',
            'warn',
            `No role assignment found that lets the kubelet identity of ${cluster.name} pull from ${registry.name}.`,
            {
              detail: [
                `Kubelet identity (object id) ${principalId}; registry ${registry.id}.`,
                `The node still got past the registry's sign-in (it answered "not found"), so this is not why this pod fails.`,
              ].join('\n'),
            },
          );
        }
        const roleArgument = /\s/.test(role.name) ? `"${role.name}"` : role.name;
        return finding(
          'acr-pull-role',
          'fail',
          `The kubelet identity of ${cluster.name} has no role that lets it pull from ${registry.name}.`,
          {
            headline: `Kubelet identity of ${cluster.name} has no ${role.name} on ${registry.name}`,
            detail: [
              `Kubelet identity (object id) ${principalId}; registry ${registry.id}.`,
              abac
                ? 'The registry uses ABAC repository permissions: AcrPull, AcrPush and the Owner/Contributor/Reader roles do not grant image pulls there.'
                : '',
              ...notHonoured.map((n) => `Not counted: ${n}.`),
            ]
              .filter((s) => s)
              .join('\n'),
            remediation: `Give the kubelet identity of ${cluster.name} the ${role.name} role on ${registry.name}, then check that the cluster can pull from it; the pod pulls again at its next back-off retry.`,
            commands: [
              `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role ${roleArgument} --scope ${registry.id}`,
              `az aks check-acr --resource-group ${cluster.resourceGroup} --name ${cluster.name} --acr ${ref.registry}`,
            ],
          },
        );
      }),
    );
  },
};
