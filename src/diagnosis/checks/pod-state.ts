import { finding, type Check } from '../check.js';
import type { DiagnosisTarget, Finding, PodProblem } from '../types.js';

function where(p: PodProblem): string {
  return p.initContainer ? `Init container "${p.container}"` : `Container "${p.container}"`;
}

const REMEDIATION: Partial<Record<PodProblem['kind'], string>> = {
  'crash-loop':
    'The image was pulled; the process keeps exiting. Read its logs: `kubectl logs POD -n NAMESPACE -c CONTAINER --previous`, and check the command, configuration and dependencies it needs at start-up.',
  'oom-killed':
    'The container used more memory than its limit. Raise `resources.limits.memory` (and the request), or find the leak: the logs before the kill (`kubectl logs POD -n NAMESPACE -c CONTAINER --previous`) and its memory use (`kubectl top pod POD -n NAMESPACE --containers`).',
  'container-config':
    'A Secret or ConfigMap the container needs is missing or has no such key. `kubectl describe pod` names it; create it or fix the reference.',
  unschedulable:
    'No node can take the pod. The scheduler message says why: add nodes (or enable the cluster autoscaler), reduce requests, or fix taints/affinity/node selectors.',
  'terminated-error': 'Read the logs of the failed container: `kubectl logs POD -n NAMESPACE -c CONTAINER`.',
  'image-never-pull':
    'The pull policy is `Never` and the image is not on the node. Use `imagePullPolicy: IfNotPresent` (or `Always`), or pre-load the image on every node.',
};

/** The advice's POD, NAMESPACE and CONTAINER filled in, so the commands can be pasted as they are. */
function remediationFor(p: PodProblem, target: DiagnosisTarget): string | undefined {
  const text = REMEDIATION[p.kind];
  if (!text || p.container === '') return text;
  return text.replaceAll('POD', target.pod).replaceAll('NAMESPACE', target.namespace).replaceAll('CONTAINER', p.container);
}

function describeProblem(p: PodProblem, target: DiagnosisTarget): Finding {
  if (p.kind === 'unschedulable') {
    return finding('pod-state', 'fail', 'The pod cannot be scheduled on any node.', {
      detail: p.message,
      remediation: REMEDIATION.unschedulable,
    });
  }
  if (p.kind === 'terminated-error' && p.container === '') {
    return finding('pod-state', 'fail', `The pod has failed (${p.reason}).`, {
      detail: p.message,
      remediation: 'Check `kubectl describe pod` for why it was stopped (eviction, node pressure, deadline).',
    });
  }
  const summaries: Record<PodProblem['kind'], string> = {
    'image-pull': `${where(p)} cannot pull its image (${p.reason}).`,
    'invalid-image-name': `${where(p)} has an invalid image name (${p.reason}).`,
    'image-never-pull': `${where(p)} may not pull its image (${p.reason}).`,
    'container-config': `${where(p)} cannot be created (${p.reason}).`,
    'crash-loop': `${where(p)} keeps crashing (${p.reason}).`,
    'oom-killed': `${where(p)} was killed for using too much memory (OOMKilled).`,
    'terminated-error': `${where(p)} exited with an error (${p.reason}).`,
    unschedulable: '',
    pending: `${where(p)} is not running yet (${p.reason}).`,
  };
  const detail = [p.image ? `Image: ${p.image}` : '', p.message ?? ''].filter((s) => s !== '').join('\n');
  return finding('pod-state', 'fail', summaries[p.kind], { detail, remediation: remediationFor(p, target) });
}

/** Is the pod healthy? Which containers (init containers included) fail, and how. */
export const podStateCheck: Check = {
  id: 'pod-state',
  title: 'Pod state',
  applies: () => true,
  async run(ctx) {
    const a = ctx.analysis;
    if (a.problems.length > 0) return a.problems.map((p) => describeProblem(p, ctx.target));
    if (a.healthy) {
      const summary =
        a.phase === 'Succeeded'
          ? 'The pod ran to completion.'
          : `The pod is running; ${a.readyCount} of ${a.containerCount} containers are ready.`;
      return [finding('pod-state', 'pass', summary)];
    }
    return [finding('pod-state', 'warn', `The pod is ${a.phase} but no container is in a known failing state.`, { detail: a.unexplained })];
  },
};
