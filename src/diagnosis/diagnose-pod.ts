import type { V1Pod } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import type { RegistryClient } from '../clients/registry/registry-client.js';
import { PullDoctorError, describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { finding, type Check, type CheckContext } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { DiagnosisFacts, type AzureAccess } from './facts.js';
import { pullRoleFor } from './roles/rbac.js';
import { analyzePodState } from './pod-state.js';
import { gonePodStory, PodGoneError } from './events.js';
import { formatUtc } from './format-utc.js';
import { similarNames } from './nearest.js';
import { resolvePodName } from './failing-pods.js';
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

/**
 * The pod a name that is not a pod's means (a workload's one failing pod, the one pod whose name starts with it), read
 * from the one list of the namespace's pods; otherwise POD_AMBIGUOUS with the candidates, or why there is no such
 * pod: no such namespace; the pod is gone but its events remain (a rollout deleted it), and they tell its story as
 * `kubectl describe` would (PodGoneError); or no pod ever had that name here — similar names, and the other
 * namespaces with a pod of that name, either way. The four reads run together.
 */
async function podNamed(kube: KubernetesReader, target: DiagnosisTarget, now: Date): Promise<V1Pod> {
  const [namespaceExists, pods, events, elsewhere] = await Promise.all([
    kube.namespaceExists(target.namespace),
    kube.listPods(target.namespace).catch(() => []),
    kube.listPodEvents(target.namespace, { name: target.pod }).catch(() => []),
    otherNamespacesWithPod(kube, target),
  ]);
  if (!namespaceExists) {
    throw new PullDoctorError('NAMESPACE_NOT_FOUND', `There is no namespace "${target.namespace}".`);
  }
  const match = resolvePodName(target.pod, pods, now);
  if (match.kind === 'pod') return match.pod;
  if (match.kind === 'several') {
    const { candidates, workload, count } = match;
    const what = workload ? `${workload.kind} ${workload.name} has ${count} pods` : `${count} pods start with "${target.pod}"`;
    const shown = candidates.length < count ? `${candidates.join(', ')}…` : candidates.join(', ');
    throw new PullDoctorError('POD_AMBIGUOUS', `${what} in namespace "${target.namespace}": ${shown} Which one?`, {
      facts: { suggestions: candidates.join(',') },
    });
  }
  const names = pods.flatMap((p) => (p.metadata?.name ? [p.metadata.name] : []));
  const suggestions = similarNames(target.pod, names);
  const didYouMean =
    (elsewhere.length > 0 ? ` It exists in namespace ${elsewhere.map((n) => `"${n}"`).join(', ')}.` : '') +
    (suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : '');
  const facts = { namespace: target.namespace, suggestions: suggestions.join(','), elsewhere: elsewhere.join(',') };
  const gone = gonePodStory(target, events);
  if (gone) {
    const when = gone.stoppedAt
      ? ` Its containers were stopped at ${formatUtc(gone.stoppedAt)}.`
      : gone.lastSeen
        ? ` Its last event was at ${formatUtc(gone.lastSeen)}.`
        : '';
    const message = `Pod "${target.pod}" no longer exists in namespace "${target.namespace}"; its events remain: ${gone.said}.${when}${didYouMean}`;
    const advice =
      `It was deleted: a rollout, a scale-down or an eviction replaces pods, and the one that replaced it may fail the same way. ` +
      (suggestions[0]
        ? `Diagnose ${suggestions[0]}, or list the pods of namespace ${target.namespace}.`
        : `List the pods of namespace ${target.namespace}.`);
    throw new PodGoneError(message, gone, { advice, facts });
  }
  throw new PullDoctorError('POD_NOT_FOUND', `No pod "${target.pod}" in namespace "${target.namespace}".${didYouMean}`, { facts });
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
 * A name that is not a pod's may name its workload or start its name (resolvePodName): that pod is diagnosed.
 * Throws PullDoctorError POD_NOT_FOUND / POD_AMBIGUOUS / NAMESPACE_NOT_FOUND, or a KUBE_* error when the pod cannot be
 * read.
 */
export async function diagnosePod(asked: DiagnosisTarget, deps: DiagnosisDependencies): Promise<Diagnosis> {
  const now = deps.now ?? (() => new Date());
  // The tokens are fetched while the pod is read, not after: one round trip less on the critical path.
  if (deps.azure.available) deps.azure.prefetchTokens?.();
  const pod = (await deps.kube.readPod(asked.namespace, asked.pod)) ?? (await podNamed(deps.kube, asked, now()));
  const target: DiagnosisTarget = { ...asked, pod: pod.metadata?.name ?? asked.pod };
  const log = deps.log.child({ pod: target.pod, namespace: target.namespace, cluster: target.cluster });
  if (target.pod !== asked.pod) log.info('diagnosing the pod the name means', { asked: asked.pod });

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
