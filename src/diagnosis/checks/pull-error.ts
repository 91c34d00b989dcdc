import { describeCause } from '../classify/index.js';
import { finding, type Check } from '../check.js';
import { isAzureContainerRegistry } from '../image/image-reference.js';

/** What the container runtime said when the pull failed, and what that means. */
export const pullErrorCheck: Check = {
  id: 'pull-error',
  title: 'Pull error',
  applies: (ctx) => ctx.facts.pullTargets.length > 0,
  async run(ctx) {
    const explanation = await ctx.facts.pullError();
    if (!explanation) return [];
    const failing = ctx.facts.validReferences().find((r) => r.original === explanation.problem.image);
    const advice = describeCause(explanation.cause, failing ? { registry: isAzureContainerRegistry(failing.registry) ? 'acr' : 'other' } : {});
    const from = explanation.source === 'event' ? 'the kubelet event' : explanation.source === 'container-state' ? 'the container status' : 'no message';
    const detail = explanation.message ? `From ${from}: ${explanation.message}` : 'Kubernetes gave no error message for this pull.';
    const text = [advice.explanation, explanation.ambiguity, detail].filter((t) => t).join('\n');
    return [finding('pull-error', 'fail', `${advice.title} (${explanation.cause}).`, { detail: text, remediation: advice.remediation })];
  },
};
