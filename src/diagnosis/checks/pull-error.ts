import { describeCause } from '../classify/index.js';
import { finding, type Check } from '../check.js';

/** What the container runtime said when the pull failed, and what that means. */
export const pullErrorCheck: Check = {
  id: 'pull-error',
  title: 'Pull error',
  applies: (ctx) => ctx.facts.pullTargets.length > 0,
  async run(ctx) {
    const explanation = await ctx.facts.pullError();
    if (!explanation) return [];
    const advice = describeCause(explanation.cause);
    const from = explanation.source === 'event' ? 'the kubelet event' : explanation.source === 'container-state' ? 'the container status' : 'no message';
    const detail = explanation.message ? `From ${from}: ${explanation.message}` : 'Kubernetes gave no error message for this pull.';
    const text = [advice.explanation, explanation.ambiguity, detail].filter((t) => t).join('\n');
    return [finding('pull-error', 'fail', `${advice.title} (${explanation.cause}).`, { detail: text, remediation: advice.remediation })];
  },
};
