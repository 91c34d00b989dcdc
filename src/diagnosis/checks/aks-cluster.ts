import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';

/** Which AKS cluster runs the pod, and what is its kubelet identity (the identity nodes pull from ACR with)? */
export const aksClusterCheck: Check = {
  id: 'aks-cluster',
  title: 'AKS cluster',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().some(isAzureContainerRegistry),
  async run(ctx) {
    const cluster = await ctx.facts.cluster();
    if (cluster.status === 'skipped') return [finding('aks-cluster', 'skip', `Azure checks skipped: ${cluster.reason}`)];
    if (cluster.status === 'missing') {
      return [
        finding('aks-cluster', 'warn', 'The AKS cluster behind this kubeconfig was not found.', {
          detail: cluster.reason,
          remediation:
            "Pass the cluster's resource id with --cluster-id (or resourceId in the cluster file), or grant Pull Doctor's identity Reader on the cluster's subscription.",
        }),
      ];
    }
    const c = cluster.value;
    if (!c.kubeletIdentity) {
      return [
        finding('aks-cluster', 'warn', `AKS cluster ${c.name} uses a service principal, not a kubelet managed identity.`, {
          detail: c.servicePrincipalClientId ? `Service principal client id ${c.servicePrincipalClientId}.` : undefined,
          remediation: 'Grant the cluster service principal AcrPull on the registry, or migrate the cluster to a managed identity.',
          commands: [`az aks update --resource-group ${c.resourceGroup} --name ${c.name} --enable-managed-identity`],
        }),
      ];
    }
    const k = c.kubeletIdentity;
    return [
      finding('aks-cluster', 'pass', `The pod runs on AKS cluster ${c.name} (${c.location}); its kubelet identity is ${k.objectId}.`, {
        detail: [
          [`Cluster ${c.id}`, k.clientId ? `kubelet client id ${k.clientId}` : '', k.resourceId ? `identity ${k.resourceId}` : '']
            .filter((s) => s)
            .join('; ') + '.',
          cluster.note ?? '',
        ]
          .filter((s) => s)
          .join('\n'),
      }),
    ];
  },
};
