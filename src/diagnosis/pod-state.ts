import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { PodProblem, ProblemKind } from './types.js';
import { formatUtc } from './format-utc.js';

/** Waiting reasons that mean the image could not be pulled. */
export const IMAGE_PULL_REASONS: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff']);

const WAITING_KINDS: Record<string, ProblemKind> = {
  ErrImagePull: 'image-pull',
  ImagePullBackOff: 'image-pull',
  InvalidImageName: 'invalid-image-name',
  ErrImageNeverPull: 'image-never-pull',
  CreateContainerConfigError: 'container-config',
  CreateContainerError: 'container-config',
  RunContainerError: 'container-config',
  CrashLoopBackOff: 'crash-loop',
};

/** Problem kinds that concern the image itself, so the registry checks apply. */
export const IMAGE_PROBLEM_KINDS: ReadonlySet<ProblemKind> = new Set(['image-pull', 'invalid-image-name', 'image-never-pull']);

export interface PodStateAnalysis {
  /** Containers (init first) whose state makes the pod fail, most telling first. */
  problems: PodProblem[];
  /** True when the pod runs (or ran to completion) with every container ready. */
  healthy: boolean;
  phase: string;
  containerCount: number;
  readyCount: number;
  /** A running-but-not-ready or otherwise unexplained state, for an "unknown" verdict. */
  unexplained?: string;
}

function specImage(pod: V1Pod, name: string, init: boolean): string | undefined {
  const list: V1Container[] | undefined = init ? pod.spec?.initContainers : pod.spec?.containers;
  return list?.find((c) => c.name === name)?.image;
}

function problemFor(pod: V1Pod, status: V1ContainerStatus, init: boolean): PodProblem | undefined {
  const image = specImage(pod, status.name, init) ?? status.image ?? '';
  const base = { container: status.name, initContainer: init, image };
  const waiting = status.state?.waiting;
  const lastTerminated = status.lastState?.terminated;
  if (waiting?.reason) {
    let kind = WAITING_KINDS[waiting.reason];
    if (kind === 'crash-loop' && lastTerminated?.reason === 'OOMKilled') kind = 'oom-killed';
    if (kind) {
      const problem: PodProblem = { ...base, kind, reason: waiting.reason };
      const crashed = kind === 'crash-loop' || kind === 'oom-killed';
      const lastRun = crashed ? describeTermination(lastTerminated) : undefined;
      const message =
        [lastRun ? `Last run: ${lastRun}` : undefined, waiting.message].filter((m) => m !== undefined && m !== '').join('\n') || undefined;
      if (message) problem.message = message;
      return problem;
    }
  }
  const terminated = status.state?.terminated;
  if (terminated && terminated.exitCode !== 0) {
    // A main container that exited non-zero with restartPolicy Never, or an init container that failed.
    const kind: ProblemKind = terminated.reason === 'OOMKilled' ? 'oom-killed' : 'terminated-error';
    const problem: PodProblem = { ...base, kind, reason: terminated.reason ?? 'Error' };
    const message = describeTermination(terminated);
    if (message) problem.message = message;
    return problem;
  }
  return undefined;
}

/** "OOMKilled, exit code 137, at 2026-11-26T10:00:00Z" from a terminated state. */
function describeTermination(
  t: { reason?: string; exitCode: number; finishedAt?: Date; message?: string } | undefined,
): string | undefined {
  if (!t) return undefined;
  const parts = [`${t.reason ?? 'Terminated'}, exit code ${t.exitCode}`];
  if (t.finishedAt) parts.push(`at ${formatUtc(t.finishedAt, String(t.finishedAt))}`);
  const head = parts.join(' ');
  return t.message ? `${head}: ${t.message.trim()}` : head;
}

const KIND_ORDER: ProblemKind[] = [
  'invalid-image-name',
  'image-pull',
  'image-never-pull',
  'container-config',
  'oom-killed',
  'crash-loop',
  'terminated-error',
  'unschedulable',
  'pending',
];

/** Reads a pod's status: which containers (init containers included) fail, and how. Pure. */
export function analyzePodState(pod: V1Pod): PodStateAnalysis {
  const phase = pod.status?.phase ?? 'Unknown';
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  const statuses = pod.status?.containerStatuses ?? [];
  const problems: PodProblem[] = [];
  for (const s of initStatuses) {
    const p = problemFor(pod, s, true);
    if (p) problems.push(p);
  }
  for (const s of statuses) {
    const p = problemFor(pod, s, false);
    if (p) problems.push(p);
  }

  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (phase === 'Pending' && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const problem: PodProblem = { kind: 'unschedulable', container: '', initContainer: false, image: '', reason: 'Unschedulable' };
    if (scheduled.message) problem.message = scheduled.message;
    problems.push(problem);
  }
  if (phase === 'Failed' && problems.length === 0) {
    const problem: PodProblem = {
      kind: 'terminated-error',
      container: '',
      initContainer: false,
      image: '',
      reason: pod.status?.reason ?? 'Failed',
    };
    if (pod.status?.message) problem.message = pod.status.message;
    problems.push(problem);
  }

  problems.sort((a, b) => {
    if (a.initContainer !== b.initContainer) return a.initContainer ? -1 : 1;
    return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  });

  const containerCount = pod.spec?.containers?.length ?? statuses.length;
  const readyCount = statuses.filter((s) => s.ready).length;
  const analysis: PodStateAnalysis = {
    problems,
    phase,
    containerCount,
    readyCount,
    healthy:
      problems.length === 0 && (phase === 'Succeeded' || (phase === 'Running' && containerCount > 0 && readyCount === containerCount)),
  };
  if (problems.length === 0 && !analysis.healthy) {
    analysis.unexplained =
      phase === 'Running'
        ? `${readyCount} of ${containerCount} containers are ready; the others are running but not ready (check readiness probes)`
        : `The pod is ${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''} with no container in a known failing state yet`;
  }
  return analysis;
}
