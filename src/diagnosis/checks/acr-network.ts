import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { Finding } from '../types.js';

/** " (allows only 203.0.113.0/24)", for a headline; empty when nothing is allowed. */
function allowedOnly(ipRules: readonly string[]): string {
  if (ipRules.length === 0) return '';
  return ` (allows only ${ipRules.slice(0, 2).join(', ')}${ipRules.length > 2 ? ', …' : ''})`;
}

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
          const clusterName = cluster?.status === 'found' ? cluster.value.name : 'the cluster';
          const approvedEndpoints = r.privateEndpointConnections.filter((p) => (p.status ?? 'Approved').toLowerCase() === 'approved');
          if (r.publicNetworkAccess === 'Disabled') {
            if (approvedEndpoints.length === 0) {
              out.push(
                finding(
                  'acr-network',
                  'fail',
                  `${r.name} has public network access disabled and no approved private endpoint: nothing can pull from it.`,
                  {
                    headline: `${r.name} has public access off and no private endpoint`,
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
                  headline: forbidden ? `Firewall of ${r.name} blocks ${clusterName}${allowedOnly(r.ipRules)}` : undefined,
                  remediation:
                    "Allow the cluster's egress IP in the registry's firewall (the first command lists the IPs of a load balancer outbound; put each in place of EGRESS_IP), or reach the registry through a private endpoint.",
                  commands: [
                    `az network public-ip show --ids $(az aks show ${aks} --query "networkProfile.loadBalancerProfile.effectiveOutboundIPs[].id" -o tsv) --query "[].ipAddress" -o tsv`,
                    `az acr network-rule add -g ${r.resourceGroup} -n ${r.name} --ip-address EGRESS_IP`,
                  ],
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
