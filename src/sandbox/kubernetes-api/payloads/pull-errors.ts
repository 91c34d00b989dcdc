/**
 * The text containerd (AKS's runtime) and kubelet produce when an image pull fails, per cause. The wording
 * follows recorded AKS output, e.g.
 *   - Azure/AKS#4459: `failed to pull and unpack image "…": failed to resolve reference "…": failed to authorize:
 *     failed to fetch anonymous token: unexpected status from GET request to https://<acr>/oauth2/token?scope=…: 401 Unauthorized`
 *   - Esri/arcgis-gitops#168: the `failed to fetch oauth token` variant (credentials were sent) and the
 *     `rpc error: code = NotFound desc = …` form of a missing tag
 *   - kubernetes/kubernetes#127918: since 1.32 the ImagePullBackOff message carries the last pull error.
 */

export interface ImageParts {
  /** Fully qualified reference, as containerd prints it (`docker.io/library/nginx:1.27`). */
  reference: string;
  host: string;
  repository: string;
  /** Tag or digest (`1.27`, `sha256:…`). */
  tagOrDigest: string;
}

/** Normalises an image reference the way containerd does before pulling (docker.io, library/, :latest). */
export function imageParts(image: string): ImageParts {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  let rest = hasHost ? image.slice(slash + 1) : image;
  if (!hasHost && !rest.includes('/')) rest = `library/${rest}`;
  let repository = rest;
  let tagOrDigest = 'latest';
  let separator = ':';
  const at = rest.indexOf('@');
  if (at !== -1) {
    repository = rest.slice(0, at);
    tagOrDigest = rest.slice(at + 1);
    separator = '@';
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon !== -1) {
      repository = rest.slice(0, colon);
      tagOrDigest = rest.slice(colon + 1);
    }
  }
  return { reference: `${host}/${repository}${separator}${tagOrDigest}`, host, repository, tagOrDigest };
}

function manifestUrl(p: ImageParts): string {
  const host = p.host === 'docker.io' ? 'registry-1.docker.io' : p.host;
  return `https://${host}/v2/${p.repository}/manifests/${p.tagOrDigest}`;
}

function tokenUrl(p: ImageParts): string {
  return `https://${p.host}/oauth2/token?scope=repository%3A${encodeURIComponent(p.repository)}%3Apull&service=${p.host}`;
}

const unpack = (p: ImageParts) => `failed to pull and unpack image "${p.reference}"`;
const resolve = (p: ImageParts) => `${unpack(p)}: failed to resolve reference "${p.reference}"`;

/** Runtime error texts by cause; each takes the image as written in the pod spec. */
export const pullErrors = {
  /** Tag (or repository) does not exist. */
  notFound: (image: string) => {
    const p = imageParts(image);
    return `rpc error: code = NotFound desc = ${resolve(p)}: ${p.reference}: not found`;
  },
  /** No credentials were presented (no AcrPull for the kubelet identity, no pull secret). */
  anonymousUnauthorized: (image: string) => {
    const p = imageParts(image);
    return `${resolve(p)}: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ${tokenUrl(p)}: 401 Unauthorized`;
  },
  /** Credentials were presented (pull secret) and rejected. */
  credentialsUnauthorized: (image: string) => {
    const p = imageParts(image);
    return `${resolve(p)}: failed to authorize: failed to fetch oauth token: unexpected status from GET request to ${tokenUrl(p)}: 401 Unauthorized`;
  },
  /** The registry refused the caller (ACR firewall, or a token without pull on the repository). */
  forbidden: (image: string) => {
    const p = imageParts(image);
    return `${resolve(p)}: unexpected status from HEAD request to ${manifestUrl(p)}: 403 Forbidden`;
  },
  /** The registry name does not resolve (typo, or private DNS zone not linked). */
  dnsNoSuchHost: (image: string, resolver = '168.63.129.16:53') => {
    const p = imageParts(image);
    return `${resolve(p)}: failed to do request: Head "${manifestUrl(p)}": dial tcp: lookup ${p.host} on ${resolver}: no such host`;
  },
  /** The registry is unreachable (NSG, firewall, private endpoint routing). */
  ioTimeout: (image: string, address = '20.61.99.12:443') => {
    const p = imageParts(image);
    return `${resolve(p)}: failed to do request: Head "${manifestUrl(p)}": dial tcp ${address}: i/o timeout`;
  },
  /** TLS interception by a proxy or a private registry with an unknown CA. */
  tlsUnknownAuthority: (image: string) => {
    const p = imageParts(image);
    return `${resolve(p)}: failed to do request: Head "${manifestUrl(p)}": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
  },
  /** Docker Hub's anonymous pull rate limit. */
  rateLimited: (image: string) => {
    const p = imageParts(image);
    return `${unpack(p)}: failed to copy: httpReadSeeker: failed open: unexpected status code ${manifestUrl(p)}: 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit`;
  },
  /** No image for the node's OS/architecture. */
  platformMismatch: (image: string) => `${unpack(imageParts(image))}: no match for platform in manifest: not found`,
};

/** The waiting message of an unparsable image reference (reason InvalidImageName). */
export function invalidImageNameMessage(image: string): string {
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
}
