import { isAzureContainerRegistry, registryApiHost } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';

/** Does each failing image's registry host resolve in DNS (from where Pull Doctor runs)? */
export const registryDnsCheck: Check = {
  id: 'registry-dns',
  title: 'Registry DNS',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().length > 0,
  async run(ctx) {
    // A lookup that fails from here is why the pod fails only if the node did not reach the registry either: a 401,
    // 403, 404 or 429 in the kubelet's message means it did (Pull Doctor may just run on another network).
    const nodeCause = (await ctx.facts.pullError().catch(() => undefined))?.cause;
    const nodeReachedRegistry = nodeCause !== undefined && !['dns', 'network-timeout', 'tls', 'other'].includes(nodeCause);
    return Promise.all(
      ctx.facts.registries().map(async (registry) => {
        const host = registryApiHost(registry);
        const result = await ctx.facts.dns(registry);
        if (result.ok) return finding('registry-dns', 'pass', `${host} resolves to ${result.addresses.slice(0, 3).join(', ')}.`);
        const acr = isAzureContainerRegistry(registry);
        const remediation = acr
          ? "Check the registry name in the image against the registries that exist. For a registry behind a private endpoint, link the privatelink.azurecr.io DNS zone to the cluster's virtual network."
          : "Check the registry host in the image for typos, and that the nodes' DNS can resolve it (custom DNS servers, private zones).";
        return finding('registry-dns', 'fail', `${host} does not resolve (${result.code}).`, {
          headline: nodeReachedRegistry ? undefined : `Registry ${host} does not resolve`,
          detail: result.message,
          remediation,
          commands: acr ? ['az acr list --query "[].loginServer" -o tsv'] : [],
        });
      }),
    );
  },
};
