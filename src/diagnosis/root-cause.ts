import { describeCause } from './classify/cause-advice.js';
import type { Cause, Finding, PodProblem, Remedy, Verdict } from './types.js';

/**
 * The root cause of a diagnosis in one line, in this pod's own terms, and what to do about it: the first line of
 * the CLI's report, the title and the Fix block of every card. The checks that pinpoint a cause (a missing role, a
 * missing tag or secret, a host that does not resolve) state it on their failing finding (`headline`, `commands`);
 * this picks the one that explains the failure, the most specific first.
 */
export interface RootCause {
  headline: string;
  remedy: Remedy | null;
}

/**
 * Which failing finding names the root cause when several do, most specific first: an image name that cannot be
 * parsed or a host that does not resolve comes before anything about the registry; the registry's network and the
 * identity's role come before secrets and tags; the classification of the kubelet's message (pull-error) and the
 * pod's state restate the symptom, so they come last. A check not listed ranks just before pull-error.
 */
const PRECEDENCE = [
  'image-reference',
  'registry-dns',
  'acr-network',
  'acr-pull-role',
  'pull-secrets',
  'image-exists',
  'aks-cluster',
  'acr-registry',
  'registry-endpoint',
  'pull-error',
  'pod-state',
  'events',
];

function rank(f: Finding): number {
  const i = PRECEDENCE.indexOf(f.check);
  return i >= 0 ? i : PRECEDENCE.indexOf('pull-error') - 0.5;
}

function remedyOf(f: Finding | undefined): Remedy | null {
  if (!f || (f.remediation === undefined && (f.commands ?? []).length === 0)) return null;
  return { text: f.remediation ?? '', commands: [...(f.commands ?? [])] };
}

export interface RootCauseInput {
  pod: string;
  verdict: Verdict;
  cause: Cause | null;
  problems: readonly PodProblem[];
  findings: readonly Finding[];
}

/** The headline and the remedy of a diagnosis (see RootCause). */
export function rootCause(d: RootCauseInput): RootCause {
  const stated = d.findings
    .map((f, order) => ({ f, order }))
    .filter(({ f }) => f.status === 'fail' && f.headline !== undefined)
    .sort((a, b) => rank(a.f) - rank(b.f) || a.order - b.order);
  const top = stated[0]?.f;
  if (top) {
    // A pinpointing finding without advice of its own (rare) borrows the cause's, from the pull-error check.
    const remedy = remedyOf(top) ?? remedyOf(d.findings.find((f) => f.check === 'pull-error' && f.status === 'fail'));
    return { headline: top.headline!, remedy };
  }
  if (d.verdict === 'healthy') return { headline: `${d.pod} is running and healthy`, remedy: null };
  const couldNotRun = d.findings.find((f) => f.status === 'error');
  if (d.verdict === 'unknown' || (d.problems.length === 0 && couldNotRun)) {
    return {
      headline: `No verdict for ${d.pod}: ${couldNotRun ? 'some checks could not run' : 'no container is in a known failing state'}`,
      remedy: remedyOf(couldNotRun),
    };
  }
  if (d.cause !== null) return { headline: describeCause(d.cause).title, remedy: remedyOf(d.findings.find((f) => f.remediation)) };
  const first = d.problems[0];
  const who = first ? (first.container === '' ? 'The pod' : `Container ${first.container}`) : 'The pod';
  return {
    headline: first ? `${who} is failing (${first.reason})` : `${d.pod} is failing`,
    remedy: remedyOf(d.findings.find((f) => f.status === 'fail' && f.remediation)),
  };
}
