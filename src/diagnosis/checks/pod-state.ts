import { finding, type Check } from '../check.js';
import type { DiagnosisTarget, Finding, PodProblem } from '../types.js';

function where(p: PodProblem): string {
  return p.initContainer ? `Init container "${p.container}"` : `Container "${p.container}"`;
}

/** What to do about a kind of failure, in prose, and the commands that look into it (POD, NAMESPACE, CONTAINER filled in). */
const REMEDIATION: Partial<Record<PodProblem['kind'], { text: string; commands?: string[] }>> = {
  'crash-loop': {
    text: 'The image was pulled; the process keeps exiting. Read the logs of its last run, and check the command, configuration and dependencies it needs at start-up.',
    commands: ['kubectl logs POD -n NAMESPACE -c CONTAINER --previous'],
  },
  'oom-killed': {
    text: 'The container used more memory than its limit. Raise resources.limits.memory (and the request), or find the leak: the logs before the kill and its memory use.',
    commands: ['kubectl logs POD -n NAMESPACE -c CONTAINER --previous', 'kubectl top pod POD -n NAMESPACE --containers'],
  },
  'container-config': {
    text: 'A Secret or ConfigMap the container needs is missing or has no such key; the pod description names it. Create it or fix the reference.',
    commands: ['kubectl describe pod POD -n NAMESPACE'],
  },
  unschedulable: {
    text: 'No node can take the pod. The scheduler message says why: add nodes (or enable the cluster autoscaler), reduce requests, or fix taints, affinity or node selectors.',
  },
  'terminated-error': { text: 'Read the logs of the failed container.', commands: ['kubectl logs POD -n NAMESPACE -c CONTAINER'] },
  'image-never-pull': {
    text: 'The pull policy is Never and the image is not on the node. Use imagePullPolicy IfNotPresent (or Always), or pre-load the image on every node.',
  },
};

/** The root cause in this pod's terms, for the failures that are not about pulling (the pull checks state those). */
function headlineFor(p: PodProblem): string | undefined {
  const c = p.initContainer ? `Init container ${p.container}` : `Container ${p.container}`;
  switch (p.kind) {
    case 'crash-loop':
      return `${c} keeps crashing (${p.reason})`;
    case 'oom-killed':
      return `${c} is killed for using too much memory (OOMKilled)`;
    case 'container-config':
      return `${c} cannot start: ${p.reason}`;
    case 'terminated-error':
      return p.container === '' ? `The pod has failed (${p.reason})` : `${c} exited with an error (${p.reason})`;
    case 'image-never-pull':
      return `${c} may not pull its image (pull policy Never)`;
    case 'unschedulable': {
      // "0/3 nodes are available: 3 Insufficient cpu. preemption: …": the part before the preemption note says why.
      const why = (p.message ?? '')
        .split(/\s+preemption:/)[0]!
        .trim()
        .replace(/\.$/, '');
      return why ? `No node can run the pod: ${why}` : 'No node can run the pod';
    }
    default:
      return undefined;
  }
}

/** The advice's POD, NAMESPACE and CONTAINER filled in, so the commands can be pasted as they are. */
function remediationFor(p: PodProblem, target: DiagnosisTarget): { remediation?: string; commands?: string[] } {
  const advice = REMEDIATION[p.kind];
  if (!advice) return {};
  const fill = (text: string) =>
    text.replaceAll('POD', target.pod).replaceAll('NAMESPACE', target.namespace).replaceAll('CONTAINER', p.container);
  return { remediation: advice.text, commands: p.container === '' ? [] : (advice.commands ?? []).map(fill) };
}

function describeProblem(p: PodProblem, target: DiagnosisTarget): Finding {
  const headline = headlineFor(p);
  if (p.kind === 'unschedulable') {
    return finding('pod-state', 'fail', 'The pod cannot be scheduled on any node.', {
      detail: p.message,
      headline,
      remediation: REMEDIATION.unschedulable!.text,
    });
  }
  if (p.kind === 'terminated-error' && p.container === '') {
    return finding('pod-state', 'fail', `The pod has failed (${p.reason}).`, {
      detail: p.message,
      headline,
      remediation: 'Read the pod description for why it was stopped (eviction, node pressure, deadline).',
      commands: [`kubectl describe pod ${target.pod} -n ${target.namespace}`],
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
  return finding('pod-state', 'fail', summaries[p.kind], { detail, headline, ...remediationFor(p, target) });
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
