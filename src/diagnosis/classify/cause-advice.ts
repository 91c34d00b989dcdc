import type { Cause } from '../types.js';

/** What an on-call engineer reads about a cause: a headline, what it means, and what to do next. */
export interface CauseAdvice {
  title: string;
  explanation: string;
  remediation: string;
}

const ADVICE: Readonly<Record<Cause, CauseAdvice>> = {
  unauthorized: {
    title: "The registry refused the node's credentials",
    explanation:
      'The registry answered 401: the node offered no credentials, or credentials it does not accept (wrong, expired, or for another registry).',
    remediation:
      "Azure Container Registry: the cluster's kubelet identity needs the AcrPull role on the registry (Container Registry Repository Reader if the registry uses ABAC repository permissions); az aks check-acr tests a pull from the cluster. Other registries: create an imagePullSecret of type docker-registry in the pod's namespace, reference it from the pod or its service account, and check the token has not expired.",
  },
  forbidden: {
    title: 'The registry refused access from this node',
    explanation:
      'The registry answered 403: it knows who is asking but will not serve them. For Azure Container Registry this is usually the network rules: the firewall, a private endpoint, or public access turned off.',
    remediation:
      "Azure Container Registry: if the message names a client IP, allow the cluster's egress IP in the registry's firewall, or reach the registry through a private endpoint whose privatelink.azurecr.io DNS zone is linked to the cluster's virtual network. Other registries: check that the account or token may read this repository (for GitHub, the package visibility and the token's read:packages scope).",
  },
  'image-not-found': {
    title: 'The image or tag does not exist in the registry',
    explanation:
      'The registry has no such repository, tag, digest or layer. Docker Hub and some other registries give the same answer for a private repository when no credentials are offered, so a correct name can still mean missing credentials.',
    remediation:
      'Check the spelling of the repository and tag in the pod spec against the tags the registry has, and that the push finished. If the repository is private and not on ACR, add an imagePullSecret.',
  },
  dns: {
    title: "The node cannot resolve the registry's name",
    explanation: "The node's DNS lookup of the registry host failed or timed out, so the pull never reached the registry.",
    remediation:
      "Check the host name in the image reference, then resolve it from a node. With custom DNS servers on the virtual network, make sure they forward to Azure DNS (168.63.129.16); for a private endpoint, link the privatelink.azurecr.io zone to the cluster's virtual network.",
  },
  'network-timeout': {
    title: 'The node cannot reach the registry over the network',
    explanation:
      'The connection to the registry timed out, was refused, reset or cancelled before the registry answered. Something between the node and the registry is blocking or dropping the traffic, or the pull is too slow.',
    remediation:
      "Allow outbound HTTPS (443) from the nodes to the registry host and its data endpoint (for ACR, REGISTRY.REGION.data.azurecr.io when data endpoints are on) in network security groups, Azure Firewall or the HTTP proxy. If only large images fail, check the node's bandwidth and the registry's health.",
  },
  tls: {
    title: "The node does not trust the registry's certificate",
    explanation:
      'The TLS connection failed: the certificate is signed by an unknown authority (often a TLS-inspecting proxy or a private CA), is for another host name, has expired, or the registry speaks plain HTTP.',
    remediation:
      'Check the certificate the node sees. Renew an expired certificate; trust a private CA on the nodes (AKS custom CA trust); exempt the registry from TLS inspection on the proxy; serve the registry over HTTPS.',
  },
  'rate-limited': {
    title: 'The registry is throttling pulls',
    explanation:
      'The registry answered 429 Too Many Requests: this node or its egress IP made too many pulls (Docker Hub limits anonymous pulls per IP). "pull QPS exceeded" is the kubelet\'s own limit instead (registryPullQPS, 5 pulls a second by default): no registry was asked.',
    remediation:
      'Pull with an authenticated account (imagePullSecret), or copy the image into your own registry (az acr import, or an ACR artifact cache rule) and point the pod at it. Otherwise wait for the limit to reset. For the kubelet\'s "pull QPS exceeded", the kubelet retries by itself; if many pods start at once on a node, raise registryPullQPS and registryBurst in the node pool\'s kubelet configuration.',
  },
  'platform-mismatch': {
    title: "The image is not built for this node's platform",
    explanation:
      "The image exists, but has no variant for the node's operating system and CPU architecture (for example amd64-only on an arm64 node, or Linux on Windows).",
    remediation:
      'Publish a multi-platform image that includes this platform, or schedule the pod onto matching nodes with a nodeSelector on kubernetes.io/arch and kubernetes.io/os.',
  },
  'invalid-reference': {
    title: 'The image name in the pod spec is not valid',
    explanation:
      'The kubelet or runtime cannot parse the image reference: upper-case letters in the repository, a URL scheme such as https://, an empty value from a template, or a short name the runtime cannot resolve (CRI-O: no alias and no search registry, or several search registries that could serve it when short-name mode is enforcing).',
    remediation:
      'Fix the image in the pod spec (or the template that renders it) to REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST, in lower case, without https://.',
  },
  policy: {
    title: 'A policy blocked the image',
    explanation:
      'The image was refused on purpose: imagePullPolicy is Never and the image is not on the node, an admission policy (Azure Policy, Gatekeeper, Ratify and AKS Image Integrity, Kyverno, Sigstore, an ImagePolicyWebhook) denied the pod, or the runtime rejected the image signature. An admission denial reads "Forbidden" because that is the API server\'s answer, not the registry\'s.',
    remediation:
      'Read which policy the message names. Pull policy Never: pre-load the image or use IfNotPresent. Admission or signature policy: use an allowed registry, sign the image with a trusted key, or ask the policy owner for an exemption; if the verifier itself was refused by the registry, fix its credentials.',
  },
  other: {
    title: 'The image pull failed for another reason',
    explanation:
      'The message does not match a known cause. It may be a registry-side error (5xx), a full disk on the node, a problem in the runtime, or a message that only says the pull is backing off.',
    remediation: "Read the runtime's full message in the pod's events; check the registry's status page and the node's disk space.",
  },
};

/** What it means when the registry is known to be an Azure Container Registry, or known not to be one. */
const EXPLANATION_BY_REGISTRY: Readonly<Partial<Record<Cause, { acr: string; other: string }>>> = {
  'image-not-found': {
    acr: 'The registry has no such repository, tag, digest or layer. Azure Container Registry says so only to a client it has let in (it answers 401 otherwise), so the name or tag is really missing, or its push has not finished.',
    other:
      'The registry has no such repository, tag, digest or layer. Docker Hub and some other registries give the same answer for a private repository when no credentials are offered, so a correct name can still mean missing credentials.',
  },
};

/** What to do when the registry is known to be an Azure Container Registry, or known not to be one. */
const REMEDIATION_BY_REGISTRY: Readonly<Partial<Record<Cause, { acr: string; other: string }>>> = {
  'image-not-found': {
    acr: 'Check the spelling of the repository and tag in the pod spec against the tags the registry has, and that the push finished.',
    other:
      "Check the spelling of the repository and tag in the pod spec against the registry's web page and that the push finished. If the repository is private, add an imagePullSecret for this registry.",
  },
  unauthorized: {
    acr: "Check that the cluster's kubelet identity may pull from the registry (AcrPull, or Container Registry Repository Reader if the registry uses ABAC repository permissions), then test a pull from the cluster.",
    other:
      "The pod needs working credentials for this registry: an imagePullSecret in the pod's namespace, referenced from the workload's pod template or its service account, whose token has not expired.",
  },
  forbidden: {
    acr: "If the message names a client IP, allow the cluster's egress IP in the registry's firewall, or reach the registry through a private endpoint whose privatelink.azurecr.io DNS zone is linked to the cluster's virtual network.",
    other:
      "Check that the account or token may read this repository (for GitHub, the package visibility and the token's read:packages scope).",
  },
};

export interface CauseContext {
  /** Whether the failing image is on an Azure Container Registry; unknown gives advice for both. */
  registry?: 'acr' | 'other';
}

/** Plain words for an on-call engineer: what the cause means and what to do about it (for this kind of registry). */
export function describeCause(cause: Cause, context: CauseContext = {}): CauseAdvice {
  const advice = { ...(ADVICE[cause] ?? ADVICE.other) };
  if (context.registry) {
    const explanation = EXPLANATION_BY_REGISTRY[cause]?.[context.registry];
    if (explanation) advice.explanation = explanation;
    const remediation = REMEDIATION_BY_REGISTRY[cause]?.[context.registry];
    if (remediation) advice.remediation = remediation;
  }
  return advice;
}
