import type { Cause, Diagnosis, ProblemKind } from '../../diagnosis/types.js';

/** Why an image pull failed, for someone on call at 3 a.m. */
export const CAUSE_IN_PLAIN_WORDS: Record<Cause, string> = {
  'image-not-found': 'The image or tag does not exist in the registry (or the identity pulling it cannot see it).',
  unauthorized: 'The registry refused the pull: the node offered no credentials, or credentials the registry does not accept.',
  forbidden: 'The registry refused access from the node: usually its firewall or network rules, sometimes a missing repository permission.',
  dns: 'The registry name does not resolve from the node: the registry may not exist, or private DNS is missing.',
  'network-timeout': 'The node could not reach the registry in time: a firewall, network rule or private endpoint is blocking it.',
  tls: 'The TLS connection to the registry failed: the certificate is not trusted or does not match the name.',
  'rate-limited': 'The registry is rate-limiting pulls (too many requests); anonymous Docker Hub pulls are a common cause.',
  'platform-mismatch': 'The image has no variant for the node’s platform (for example an arm64-only image on amd64 nodes).',
  'invalid-reference': 'The image reference is not valid, so the runtime cannot even try to pull it.',
  policy: 'A policy (admission or registry) blocked this image.',
  other: 'The image cannot be pulled, for a reason Pull Doctor does not recognise; the key event below has the details.',
};

const PROBLEM_IN_PLAIN_WORDS: Record<ProblemKind, string> = {
  'image-pull': 'The image cannot be pulled.',
  'invalid-image-name': 'The image name is not valid.',
  'image-never-pull': 'The pull policy is Never and the image is not on the node.',
  'container-config': 'The container cannot be created from its configuration (a missing ConfigMap, Secret or key is common).',
  'crash-loop': 'The image pulls fine, but the container keeps crashing after it starts.',
  'oom-killed': 'The container is killed for using more memory than its limit.',
  unschedulable: 'No node can take the pod (resources, taints or affinity).',
  pending: 'The pod is still pending.',
  'terminated-error': 'The container exited with an error.',
};

const PULL_KINDS: ReadonlySet<ProblemKind> = new Set(['image-pull', 'invalid-image-name', 'image-never-pull']);

/** True when the pod's failure is about getting its image. */
export function isPullProblem(d: Diagnosis): boolean {
  const first = d.problems[0];
  return d.cause !== null || (first !== undefined && PULL_KINDS.has(first.kind));
}

/** The verdict's explanation in one or two sentences (our own words: safe to show as markdown). */
export function explainVerdict(d: Diagnosis): string {
  if (d.verdict === 'healthy') return 'The pod is running and every check passed.';
  if (d.verdict === 'unknown') return 'Some checks could not run, so there is no verdict yet. The errors below say what was missing.';
  if (d.cause !== null) return CAUSE_IN_PLAIN_WORDS[d.cause];
  const first = d.problems[0];
  return first ? PROBLEM_IN_PLAIN_WORDS[first.kind] : 'The pod is failing; the checks below say where.';
}
