import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { Finding } from '../types.js';

function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/**
 * The registry's network posture: public network access, firewall default action and IP rules, private
 * endpoints, and whether it is in the cluster's region.
 */
export const acrNetworkCheck: Check = {
  id: 'acr-network',
  title: 'Registry network rules',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().some(isAzureContainerRegistry),
  async run(ctx) {
    const pullError = await ctx.facts.pullError();
    const forbidden = pullError?.cause === 'forbidden' || pullError?.cause === 'network-timeout';
    const perRegistry = await Promise.all(
      ctx.facts
        .registries()
        .filter(isAzureContainerRegistry)
        .map(async (registry): Promise<Finding[]> => {
          const acr = await ctx.facts.acrRegistry(registry);
          if (acr.status !== 'found') return [];
          const r = acr.value;
          const out: Finding[] = [];
          const cluster = await ctx.facts.cluster().catch(() => undefined);
          const aks =
            cluster?.status === 'found' ? `-g ${cluster.value.resourceGroup} -n ${cluster.value.name}` : '-g CLUSTER_RG -n CLUSTER';
          const approvedEndpoints = r.privateEndpointConnections.filter((p) => (p.status ?? 'Approved').toLowerCase() === 'approved');
          if (r.publicNetworkAccess === 'Disabled') {
            if (approvedEndpoints.length === 0) {
              out.push(
                finding(
                  'acr-network',
                  'fail',
                  `${r.name} has public network access disabled and no approved private endpoint: nothing can pull from it.`,
                  {
                    remediation:
                      "Add a private endpoint in (or peered with) the cluster's VNet with the privatelink.azurecr.io DNS zone linked, or enable public network access with firewall rules.",
                  },
                ),
              );
            } else {
              out.push(
                finding(
                  'acr-network',
                  forbidden ? 'warn' : 'pass',
                  `${r.name} is private: public access disabled, ${approvedEndpoints.length} approved private endpoint${approvedEndpoints.length === 1 ? '' : 's'}.`,
                  {
                    detail:
                      'The cluster must reach the registry through a private endpoint in a VNet it can route to, and resolve <name>.azurecr.io and <name>.<region>.data.azurecr.io to private IPs (privatelink.azurecr.io zone linked to the cluster VNet).',
                  },
                ),
              );
            }
          } else if (r.networkDefaultAction === 'Deny') {
            out.push(
              finding(
                'acr-network',
                forbidden ? 'fail' : 'warn',
                `${r.name}'s firewall denies access by default; ${r.ipRules.length} IP range${r.ipRules.length === 1 ? ' is' : 's are'} allowed.`,
                {
                  detail:
                    r.ipRules.length > 0
                      ? `Allowed: ${r.ipRules.slice(0, 10).join(', ')}${r.ipRules.length > 10 ? ` and ${r.ipRules.length - 10} more` : ''}.`
                      : 'No IP range is allowed.',
                  remediation: `Allow the cluster's egress IP: \`az acr network-rule add -g ${r.resourceGroup} -n ${r.name} --ip-address EGRESS_IP\` (with a load balancer outbound, list them with \`az network public-ip show --ids $(az aks show ${aks} --query "networkProfile.loadBalancerProfile.effectiveOutboundIPs[].id" -o tsv) --query "[].ipAddress" -o tsv\`), or reach the registry through a private endpoint.`,
                },
              ),
            );
          } else {
            out.push(finding('acr-network', 'pass', `${r.name} accepts connections from public networks (no firewall restriction).`));
          }

          if (cluster?.status === 'found' && normalizeLocation(cluster.value.location) !== normalizeLocation(r.location)) {
            out.push(
              finding('acr-network', 'warn', `${r.name} is in ${r.location} but the cluster is in ${cluster.value.location}.`, {
                remediation:
                  "Cross-region pulls are slower and cost egress; consider geo-replicating the registry to the cluster's region (Premium SKU).",
              }),
            );
          }
          return out;
        }),
    );
    return perRegistry.flat();
  },
};
