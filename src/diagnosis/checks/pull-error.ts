import { describeCause } from '../classify/cause-advice.js';
import { finding, type Check, type CheckContext } from '../check.js';
import { isAzureContainerRegistry, type ImageReference } from '../image/image-reference.js';

/**
 * A 401 from Azure Container Registry: what to do depends on whether the kubelet identity holds a pull role. When it
 * does, "assign AcrPull" would contradict the role check; when it does not, the role check carries the exact command.
 */
async function acrUnauthorizedAdvice(ctx: CheckContext, ref: ImageReference): Promise<string | undefined> {
  const access = await ctx.facts.kubeletPullAccess({ registry: ref.registry, repository: ref.repository }).catch(() => undefined);
  if (access?.status !== 'found') return undefined;
  const { cluster, registry, evaluation } = access.value;
  const checkAcr = `\`az aks check-acr --resource-group ${cluster.resourceGroup} --name ${cluster.name} --acr ${ref.registry}\``;
  if (!evaluation.canPull) {
    return `Once the kubelet identity has its role (see the kubelet identity role check, acr-pull-role), verify from the cluster with ${checkAcr}; the pod pulls again at its next back-off retry.`;
  }
  return `The kubelet identity already has a role that lets it pull from ${registry.name} (acr-pull-role), so a missing role is not the reason. Test a pull from the cluster with ${checkAcr}. A role assigned in the last few minutes may not have reached the nodes yet; otherwise the nodes may be pulling with other credentials (an imagePullSecret for ${ref.registry}, or the cluster's service principal if its secret expired).`;
}

/** What the container runtime said when the pull failed, and what that means. */
export const pullErrorCheck: Check = {
  id: 'pull-error',
  title: 'Pull error',
  applies: (ctx) => ctx.facts.pullTargets.length > 0,
  async run(ctx) {
    const explanation = await ctx.facts.pullError();
    if (!explanation) return [];
    const failing = ctx.facts.validReferences().find((r) => r.original === explanation.problem.image);
    const acr = failing ? isAzureContainerRegistry(failing.registry) : undefined;
    const advice = describeCause(explanation.cause, acr === undefined ? {} : { registry: acr ? 'acr' : 'other' });
    if (failing && acr && explanation.cause === 'unauthorized')
      advice.remediation = (await acrUnauthorizedAdvice(ctx, failing)) ?? advice.remediation;
    const from =
      explanation.source === 'event'
        ? 'the kubelet event'
        : explanation.source === 'container-state'
          ? 'the container status'
          : 'no message';
    const detail = explanation.message ? `From ${from}: ${explanation.message}` : 'Kubernetes gave no error message for this pull.';
    const text = [advice.explanation, explanation.ambiguity, detail].filter((t) => t).join('\n');
    return [finding('pull-error', 'fail', `${advice.title} (${explanation.cause}).`, { detail: text, remediation: advice.remediation })];
  },
};
