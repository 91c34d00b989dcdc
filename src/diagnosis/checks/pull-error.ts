import { describeCause } from '../classify/cause-advice.js';
import { finding, type Check, type CheckContext } from '../check.js';
import { isAzureContainerRegistry, registryApiHost, type ImageReference } from '../image/image-reference.js';
import type { Cause } from '../types.js';

/**
 * A 401 from Azure Container Registry: what to do depends on whether the kubelet identity holds a pull role. When it
 * does not, the role check states the cause and carries the commands; when it does, "assign AcrPull" would
 * contradict it, and this finding says what else to look at.
 */
async function acrUnauthorizedAdvice(
  ctx: CheckContext,
  ref: ImageReference,
): Promise<{ remediation: string; commands: string[]; headline?: string } | undefined> {
  const access = await ctx.facts.kubeletPullAccess({ registry: ref.registry, repository: ref.repository }).catch(() => undefined);
  if (access?.status !== 'found') return undefined;
  const { cluster, registry, evaluation } = access.value;
  const checkAcr = `az aks check-acr --resource-group ${cluster.resourceGroup} --name ${cluster.name} --acr ${ref.registry}`;
  if (!evaluation.canPull) {
    return {
      remediation:
        'Once the kubelet identity has its role, check the pull from the cluster; the pod pulls again at its next back-off retry.',
      commands: [checkAcr],
    };
  }
  const role = evaluation.granting[0]?.roleName ?? 'a pull role';
  return {
    headline: `${ref.registry} refused the pull although the kubelet identity of ${cluster.name} has ${role}`,
    remediation: `The kubelet identity already has a role that lets it pull from ${registry.name}, so a missing role is not the reason. Test a pull from the cluster. A role assigned in the last few minutes may not have reached the nodes yet; otherwise the nodes may be pulling with other credentials (an imagePullSecret for ${ref.registry}, or the cluster's service principal if its secret expired).`,
    commands: [checkAcr],
  };
}

/** What to do about a registry's 429, and about the kubelet's own pull limit ("pull QPS exceeded"). */
const REGISTRY_THROTTLE =
  'Pull with an authenticated account (imagePullSecret), or copy the image into your own registry (az acr import, or an ACR artifact cache rule) and point the pod at it. Otherwise wait for the limit to reset.';
const KUBELET_PULL_LIMIT =
  "No registry was asked: the kubelet retries by itself. If many pods start at once on a node, raise registryPullQPS and registryBurst in the node pool's kubelet configuration.";

/** The root cause as the kubelet's message states it, for this pod's image and registry. */
function headlineFor(cause: Cause, image: string, host: string): string {
  switch (cause) {
    case 'unauthorized':
      return `${host} refused the node's credentials (401)`;
    case 'forbidden':
      return `${host} refused access from the node (403)`;
    case 'image-not-found':
      return `${image} was not found in ${host}`;
    case 'dns':
      return `${host} does not resolve from the node`;
    case 'network-timeout':
      return `The node cannot reach ${host}`;
    case 'tls':
      return `The node does not trust the certificate of ${host}`;
    case 'rate-limited':
      return `${host} is rate-limiting pulls (429)`;
    case 'platform-mismatch':
      return `${image} has no variant for the node's platform`;
    case 'invalid-reference':
      return `Image name ${image} is not valid`;
    case 'policy':
      return `A policy blocked ${image}`;
    case 'other':
      return `The pull of ${image} failed`;
  }
}

/** Commands that look further into a cause, with this pod's names filled in (none where only a person can say). */
function commandsFor(cause: Cause, ctx: CheckContext, host: string, image: string): string[] {
  // `host` is the host the node connects to (registry-1.docker.io for docker.io), empty when the image is not valid.
  const { pod, namespace } = ctx.target;
  const node = ctx.facts.pod.spec?.nodeName;
  switch (cause) {
    case 'dns':
      return node && host ? [`kubectl debug node/${node} -it --image=busybox -- nslookup ${host}`] : [];
    case 'tls':
      return host === '' ? [] : [`openssl s_client -connect ${host}:443 -servername ${host}`];
    case 'platform-mismatch':
      return [`docker buildx imagetools inspect ${image}`];
    case 'other':
      return [`kubectl describe pod ${pod} -n ${namespace}`];
    default:
      return [];
  }
}

/** What the container runtime said when the pull failed, and what that means. */
export const pullErrorCheck: Check = {
  id: 'pull-error',
  title: 'Pull error',
  applies: (ctx) => ctx.facts.pullTargets.length > 0,
  async run(ctx) {
    const explanation = await ctx.facts.pullError();
    if (!explanation) return [];
    const image = explanation.problem.image;
    const failing = ctx.facts.validReferences().find((r) => r.original === image);
    const acr = failing ? isAzureContainerRegistry(failing.registry) : undefined;
    const advice = describeCause(explanation.cause, acr === undefined ? {} : { registry: acr ? 'acr' : 'other' });
    const host = failing ? failing.registry : 'the registry';
    let headline = headlineFor(explanation.cause, image, host);
    let remediation = advice.remediation;
    let commands = commandsFor(explanation.cause, ctx, failing ? registryApiHost(failing.registry) : '', image);
    if (explanation.cause === 'rate-limited') {
      // The cause's advice covers both throttles; this pod has one of them.
      const ownLimit = /pull qps exceeded/i.test(explanation.message ?? '');
      if (ownLimit) headline = `The kubelet on the node hit its own pull limit (pull QPS exceeded), not ${host}`;
      remediation = ownLimit ? KUBELET_PULL_LIMIT : REGISTRY_THROTTLE;
    }
    if (failing && acr && explanation.cause === 'unauthorized') {
      const specific = await acrUnauthorizedAdvice(ctx, failing);
      if (specific) {
        remediation = specific.remediation;
        commands = specific.commands;
        if (specific.headline) headline = specific.headline;
      }
    }
    const from =
      explanation.source === 'event'
        ? 'the kubelet event'
        : explanation.source === 'container-state'
          ? 'the container status'
          : 'no message';
    const detail = explanation.message ? `From ${from}: ${explanation.message}` : 'Kubernetes gave no error message for this pull.';
    const text = [advice.explanation, explanation.ambiguity, detail].filter((t) => t).join('\n');
    return [finding('pull-error', 'fail', `${advice.title} (${explanation.cause}).`, { detail: text, remediation, commands, headline })];
  },
};
