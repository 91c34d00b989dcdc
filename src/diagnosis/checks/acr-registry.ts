import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { Finding } from '../types.js';

/** Which Azure Container Registry resource has the image's login server? */
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
            return finding('acr-registry', 'warn', `No Azure Container Registry with login server ${registry} was found.`, {
              detail: acr.reason,
              remediation: `If the registry name is right, the registry is in another subscription: set Pull Doctor's AZURE_SUBSCRIPTION_ID to it so its roles and network rules can be checked.`,
            });
          }
          const r = acr.value;
          const mode =
            r.roleAssignmentMode === 'AbacRepositoryPermissions'
              ? 'RBAC registry + ABAC repository permissions'
              : 'RBAC registry permissions';
          return finding(
            'acr-registry',
            'pass',
            `${registry} is registry ${r.name} in resource group ${r.resourceGroup} (${r.location}).`,
            {
              detail: `Resource id ${r.id}; SKU ${r.sku ?? 'unknown'}; role assignment mode: ${mode}.`,
            },
          );
        }),
    );
  },
};
