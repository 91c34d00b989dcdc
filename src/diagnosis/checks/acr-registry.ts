import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { Finding } from '../types.js';

/**
 * Which Azure Container Registry resource has the image's login server, in any subscription Pull Doctor's identity
 * can read? When none has it, name an existing registry with a similar login server ("did you mean").
 */
export const acrRegistryCheck: Check = {
  id: 'acr-registry',
  title: 'Azure Container Registry',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().some(isAzureContainerRegistry),
  async run(ctx) {
    return Promise.all(
      ctx.facts
        .registries()
        .filter(isAzureContainerRegistry)
        .map(async (registry): Promise<Finding> => {
          const acr = await ctx.facts.acrRegistry(registry);
          if (acr.status === 'skipped') return finding('acr-registry', 'skip', `Azure checks skipped: ${acr.reason}`);
          if (acr.status === 'missing') {
            const [likely, ...others] = await ctx.facts.similarRegistries(registry);
            const images = ctx.facts.validReferences().filter((r) => r.registry === registry);
            return finding(
              'acr-registry',
              'warn',
              `No Azure Container Registry with login server ${registry} was found.${likely ? ` Did you mean ${likely}?` : ''}`,
              {
                detail: [acr.reason, others.length > 0 ? `Other registries with a similar name: ${others.join(', ')}.` : '']
                  .filter((s) => s)
                  .join('\n'),
                remediation: likely
                  ? `If ${likely} is the registry meant, fix the image in the workload: ${images
                      .map((r) => `${likely}/${r.repository}${r.digest ? `@${r.digest}` : `:${r.tag ?? 'latest'}`}`)
                      .join(', ')}.`
                  : `Check the registry name in the image. If it is right, the registry is in a subscription Pull Doctor's identity cannot read: grant it Reader there so the registry's roles and network rules can be checked.`,
              },
            );
          }
          const r = acr.value;
          const mode =
            r.roleAssignmentMode === 'AbacRepositoryPermissions'
              ? 'RBAC registry + ABAC repository permissions'
              : 'RBAC registry permissions';
          // A registry in another subscription than the cluster's (a hub) says so: that is where its roles are.
          const cluster = await ctx.facts.cluster().catch(() => undefined);
          const elsewhere = cluster?.status === 'found' && cluster.value.subscriptionId.toLowerCase() !== r.subscriptionId.toLowerCase();
          const where = elsewhere ? ` of subscription ${r.subscriptionId}` : '';
          return finding(
            'acr-registry',
            'pass',
            `${registry} is registry ${r.name} in resource group ${r.resourceGroup}${where} (${r.location}).`,
            {
              detail: [`Resource id ${r.id}; SKU ${r.sku ?? 'unknown'}; role assignment mode: ${mode}.`, acr.note ?? '']
                .filter((s) => s)
                .join('\n'),
            },
          );
        }),
    );
  },
};
