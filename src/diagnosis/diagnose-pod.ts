import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import type { RegistryClient } from '../clients/registry/registry-client.js';
import { PullDoctorError, describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { finding, type Check, type CheckContext } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { DiagnosisFacts, type AzureAccess } from './facts.js';
import { pullRoleFor } from './roles/rbac.js';
import { analyzePodState } from './pod-state.js';
import { rootCause } from './root-cause.js';
import { isAzureContainerRegistry } from './image/image-reference.js';
import type { Cause, Diagnosis, DiagnosisTarget, Evidence, Finding, Fix, Verdict } from './types.js';

export interface DiagnosisDependencies {
  kube: KubernetesReader;
  registry: RegistryClient;
  azure: AzureAccess;
  log: Logger;
  now?: () => Date;
  /** The checks to run; all of them by default. */
  checks?: readonly Check[];
}

async function runCheck(check: Check, ctx: CheckContext): Promise<Finding[]> {
  try {
    return await check.run(ctx);
  } catch (error) {
    const advice = describeError(error);
    ctx.log.warn('check failed', { check: check.id, code: advice.code, error });
    return [
      finding(check.id, 'error', `${check.title} could not run: ${advice.title.toLowerCase()}.`, {
        detail: advice.message,
        remediation: advice.advice,
      }),
    ];
  }
}

async function notFound(kube: KubernetesReader, target: DiagnosisTarget): Promise<PullDoctorError> {
  if (!(await kube.namespaceExists(target.namespace))) {
    return new PullDoctorError('NAMESPACE_NOT_FOUND', `There is no namespace "${target.namespace}".`);
  }
  const [pods, elsewhere] = await Promise.all([kube.listPods(target.namespace).catch(() => []), otherNamespacesWithPod(kube, target)]);
  const names = pods.flatMap((p) => (p.metadata?.name ? [p.metadata.name] : []));
  const suggestions = similarNames(target.pod, names);
  const message =
    `No pod "${target.pod}" in namespace "${target.namespace}".` +
    (elsewhere.length > 0 ? ` It exists in namespace ${elsewhere.map((n) => `"${n}"`).join(', ')}.` : '') +
    (suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : '');
  return new PullDoctorError('POD_NOT_FOUND', message, {
    facts: { namespace: target.namespace, suggestions: suggestions.join(','), elsewhere: elsewhere.join(',') },
  });
}

/** How many other namespaces holding a pod of the same name a "not found" names (one bounded API call). */
export const ELSEWHERE_LIMIT = 5;

/** The other namespaces with a pod of exactly this name: the one the person meant may be there. Never throws. */
async function otherNamespacesWithPod(kube: KubernetesReader, target: DiagnosisTarget): Promise<string[]> {
  const found = await kube.namespacesWithPod(target.pod, ELSEWHERE_LIMIT + 1).catch(() => []);
  return found.filter((n) => n !== target.namespace).slice(0, ELSEWHERE_LIMIT);
}

/** When the runtime's words are not conclusive, the registry checks may be. */
function refineCause(cause: Cause, findings: readonly Finding[]): Cause {
  if (cause !== 'other') return cause;
  const failed = (check: string) => findings.some((f) => f.check === check && f.status === 'fail');
  if (failed('registry-dns')) return 'dns';
  if (failed('image-exists')) return 'image-not-found';
  return cause;
}

/**
 * Why is this pod failing? Reads the pod, runs every applicable check concurrently (sharing memoized facts),
 * and returns the verdict, the cause, the findings and — when the evidence supports it — the fix.
 * Throws PullDoctorError POD_NOT_FOUND / NAMESPACE_NOT_FOUND, or a KUBE_* error when the pod cannot be read.
 */
export async function diagnosePod(target: DiagnosisTarget, deps: DiagnosisDependencies): Promise<Diagnosis> {
  const log = deps.log.child({ pod: target.pod, namespace: target.namespace, cluster: target.cluster });
  const now = deps.now ?? (() => new Date());
  const pod = await deps.kube.readPod(target.namespace, target.pod);
  if (!pod) throw await notFound(deps.kube, target);

  const analysis = analyzePodState(pod);
  const facts = new DiagnosisFacts(pod, analysis.problems, { kube: deps.kube, registry: deps.registry, azure: deps.azure });
  const ctx: CheckContext = { target, analysis, facts, log };
  const checks = (deps.checks ?? ALL_CHECKS).filter((c) => c.applies(ctx));
  log.debug('running checks', { checks: checks.map((c) => c.id) });
  const findings = (await Promise.all(checks.map((c) => runCheck(c, ctx)))).flat();

  const verdict: Verdict = analysis.problems.length > 0 ? 'problem' : analysis.healthy ? 'healthy' : 'unknown';
  const explanation = await facts.pullError();
  const cause = explanation ? refineCause(explanation.cause, findings) : null;
  const fix = await proposeFix(facts, cause);
  const events = await facts.events().catch(() => []);

  const evidence: Evidence = {};
  const primary = analysis.problems[0];
  if (primary?.image) evidence.image = primary.image;
  const ref = facts.validReferences().find((r) => r.original === primary?.image);
  if (ref) {
    evidence.registryHost = ref.registry;
    const acr = await facts.acrRegistry(ref.registry).catch(() => undefined);
    if (acr?.status === 'found') evidence.registryResourceId = acr.value.id;
    const cluster = isAzureContainerRegistry(ref.registry) ? await facts.cluster().catch(() => undefined) : undefined;
    if (cluster?.status === 'found') {
      evidence.clusterResourceId = cluster.value.id;
      const k = cluster.value.kubeletIdentity;
      if (k) {
        const { objectId, ...ids } = k;
        evidence.kubeletIdentity = { principalId: objectId, ...ids };
      }
    }
  }
  const keyEvent = explanation?.event ?? events.find((e) => e.type === 'Warning');
  if (keyEvent) evidence.keyEvent = keyEvent;

  const { headline, remedy } = rootCause({ pod: target.pod, verdict, cause, problems: analysis.problems, findings });
  const diagnosis: Diagnosis = {
    pod: target.pod,
    namespace: target.namespace,
    verdict,
    cause,
    findings,
    fix,
    headline,
    remedy,
    problems: analysis.problems,
    events,
    evidence,
    diagnosedAt: now().toISOString(),
  };
  if (target.cluster) diagnosis.cluster = target.cluster;
  log.info('diagnosed', { verdict, cause, headline, findings: findings.length, fix: fix !== null });
  return diagnosis;
}

/**
 * The fix, proposed only when the evidence supports it: the pull fails as unauthorized, the image is in an
 * Azure Container Registry we found, and the kubelet identity holds no role that grants pull there.
 */
async function proposeFix(facts: DiagnosisFacts, cause: Cause | null): Promise<Fix | null> {
  if (cause !== 'unauthorized') return null;
  const explanation = await facts.pullError();
  const failing = explanation?.problem.image;
  const ref = facts.validReferences().find((r) => r.original === failing && isAzureContainerRegistry(r.registry));
  if (!ref) return null;
  let access;
  try {
    access = await facts.kubeletPullAccess({ registry: ref.registry, repository: ref.repository });
  } catch {
    return null; // the acr-pull-role check reports the error
  }
  if (access.status !== 'found' || access.value.evaluation.canPull) return null;
  const registry = access.value.registry;
  const role = pullRoleFor(registry.roleAssignmentMode);
  return {
    kind: 'assign-acr-pull',
    principalId: access.value.principalId,
    scope: registry.id,
    roleDefinitionId: `/subscriptions/${registry.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
  };
}

/** Levenshtein distance, bounded: stops early once it exceeds `max` (returns max + 1). */
export function editDistance(a: string, b: string, max = 64): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Names close to `wanted`: same prefix (a Deployment's pods share `web-7d4c9b-`), or a few edits away. Best first,
 * at most `limit`.
 */
export function similarNames(wanted: string, candidates: readonly string[], limit = 5): string[] {
  const w = wanted.toLowerCase();
  const scored = candidates
    .map((name) => {
      const n = name.toLowerCase();
      const prefix = n.startsWith(w) || w.startsWith(n) ? 0 : commonPrefix(n, w) >= Math.min(4, w.length) ? 1 : 2;
      const distance = editDistance(w, n, 12);
      return { name, prefix, distance };
    })
    .filter((s) => s.prefix < 2 || s.distance <= Math.max(2, Math.floor(w.length / 3)))
    .sort((a, b) => a.prefix - b.prefix || a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
