import type { Cause } from '../types.js';

/**
 * The ordered rules that map one pull attempt's message to a cause. The first rule that matches wins, so the order
 * is the precedence: specific wordings come before the generic words they contain ("no match for platform in
 * manifest: not found" must not read as a missing image). docs/classification.md explains every choice.
 *
 * `text` is always bounded, lower-cased and whitespace-collapsed (see classify-pull-error.ts). Matching uses
 * substring tests and regular expressions without unbounded repetition, so each rule is linear in the input.
 */
export interface PullErrorRule {
  /** Stable name, used in docs/classification.md and in tests. */
  id: string;
  cause: Cause;
  /**
   * The wording is ambiguous or expected to fail on its own (an anonymous token refused by a private registry;
   * Docker Hub's "repository does not exist or may require authorization"). When the kubelet reports several
   * attempts, a strong attempt outweighs a weak one.
   */
  weak?: boolean;
  matches(text: string): boolean;
}

const anyOf =
  (...needles: string[]) =>
  (text: string): boolean =>
    needles.some((needle) => text.includes(needle));

const anyPattern =
  (...patterns: RegExp[]) =>
  (text: string): boolean =>
    patterns.some((pattern) => pattern.test(text));

const either =
  (...tests: Array<(text: string) => boolean>) =>
  (text: string): boolean =>
    tests.some((test) => test(text));

/**
 * A status line whose reason phrase is empty, as some registries and proxies send it (`…/token?…: 401 "`,
 * `unexpected status: 403`). The colon and space before the code keep tags and digests (`web:401`) out.
 */
const bareStatus = (code: number): RegExp => new RegExp(`: ${code} ?(?:$|["'\\]),;])`);

/** A 401 as a status, not as a number that happens to be in a tag or a digest (`web:401`). */
const HTTP_401 = /\b401 unauthorized\b|\b(?:status|code|http)[ :=]{1,3}401\b/;
const HTTP_401_BARE = bareStatus(401);
const is401 = (text: string): boolean => HTTP_401.test(text) || HTTP_401_BARE.test(text);

export const PULL_ERROR_RULES: readonly PullErrorRule[] = [
  // 1. The kubelet rejects the reference before any network traffic: nothing else in the message can matter.
  {
    id: 'invalid-reference',
    cause: 'invalid-reference',
    matches: either(
      anyOf(
        'invalidimagename',
        "couldn't parse image reference",
        "couldn't parse image name",
        'invalid reference format',
        'failed to apply default image tag',
        'repository name must be lowercase',
        'repository name must be canonical',
        'name_invalid',
        'is not a valid repository/tag',
      ),
      // CRI-O / podman short names: no alias and no search registries, or (CRI-O 1.34+, short-name mode
      // enforcing) several search registries that could serve the name
      anyOf(
        'did not resolve to an alias',
        'no registries configured while trying to pull an unqualified image',
        'short name mode is enforcing',
        'returns ambiguous list',
      ),
    ),
  },
  // 2. Something refused to run the image on purpose: pull policy Never, an admission policy, a signature policy.
  //    Admission denials quote whatever the verifier saw (401s, "Forbidden"), so this comes before the HTTP rules.
  {
    id: 'policy-never-pull',
    cause: 'policy',
    matches: anyOf('errimageneverpull', 'is not present with pull policy of never'),
  },
  {
    id: 'policy-admission',
    cause: 'policy',
    matches: either(
      anyPattern(/admission webhook "[^"]{1,253}" denied the request/, /admission webhook [^\s]{1,253} denied the request/),
      anyOf('[ratify-constraint]', '[azurepolicy-', 'was blocked due to the following policies', 'policy.sigstore.dev'),
      // the ImagePolicyWebhook admission plugin: "pods "x" is forbidden: image policy webhook backend denied one or
      // more images: …" (and its pre-1.8 wording) is a policy decision, not a registry's 403
      anyOf('image policy webhook backend denied', 'images rejected by webhook backend'),
    ),
  },
  {
    id: 'policy-signature',
    cause: 'policy',
    matches: anyOf(
      'signaturevalidationfailed',
      'checking signature of',
      'verifying signatures',
      'signature mismatch',
      'signature was required',
      'source image rejected',
      'image verification failed',
      'subject failed verification',
      'no matching signatures',
      '/containers/policy.json',
    ),
  },
  // 3. The registry answered about content: the image exists, just not for this node's OS/architecture.
  {
    id: 'platform-mismatch',
    cause: 'platform-mismatch',
    matches: anyOf(
      'no match for platform in manifest',
      'no match for current platform',
      'no matching manifest for',
      'no image found in manifest list for architecture',
      'does not match the specified platform',
      'cannot be used on this platform',
      'exec format error',
      // Windows: an image built for another Windows Server version (HCS 0xc0370101)
      'operating system of the container does not match',
      'container operating system does not match the host',
    ),
  },
  {
    // A Linux image whose manifest does not say so reaches a Windows node: the Windows snapshotter cannot lay
    // out Linux layers and reports a missing path.
    id: 'platform-mismatch-windows-layer',
    cause: 'platform-mismatch',
    matches: (text) => text.includes('hcsshim::processbaselayer') && text.includes('cannot find the path specified'),
  },
  // 4. Throttling: checked before the auth rules because a 429 often comes from the token endpoint.
  {
    // The kubelet's own limit (registryPullQPS / registryBurst): no request left the node.
    id: 'rate-limited-kubelet-qps',
    cause: 'rate-limited',
    matches: anyOf('pull qps exceeded'),
  },
  {
    id: 'rate-limited',
    cause: 'rate-limited',
    matches: either(
      anyOf('toomanyrequests', 'too many requests', 'pull rate limit', 'rate limit exceeded', 'rate limited'),
      anyPattern(/\b(?:status|code|http)[ :=]{1,3}429\b/, bareStatus(429)),
    ),
  },
  // 5. ACR's firewall names the refused client address: a network rule, whatever else the message says.
  {
    id: 'forbidden-registry-firewall',
    cause: 'forbidden',
    matches: anyOf('is not allowed access', 'aka.ms/acr/firewall'),
  },
  // 6. Credentials: a 401, or a registry telling us credentials are missing or wrong.
  {
    id: 'unauthorized-anonymous-token',
    cause: 'unauthorized',
    weak: true,
    matches: (text) => text.includes('anonymous token') && is401(text),
  },
  {
    // The node sent no credentials at all (ECR and others): specific, so it beats the ambiguous wordings below.
    id: 'unauthorized-no-credentials',
    cause: 'unauthorized',
    matches: anyOf('no basic auth credentials'),
  },
  // 7. Registries that answer "does not exist or may require authorization" on purpose, without saying which
  //    (Docker Hub's pull access denied and DENIED "requested access to the resource is denied", old Docker's
  //    "not found: does not exist or no pull access"). The wrong name is the usual reason; weak, so a clear 401 in
  //    another attempt wins. Before the generic 401 rule: Docker Hub adds "unauthorized: authentication required"
  //    to its DENIED for a repository that does not exist.
  {
    id: 'image-not-found-or-private',
    cause: 'image-not-found',
    weak: true,
    matches: anyOf(
      'pull access denied',
      'repository does not exist or may require',
      'does not exist or no pull access',
      'requested access to the resource is denied',
      'insufficient_scope',
    ),
  },
  {
    id: 'unauthorized',
    cause: 'unauthorized',
    matches: either(
      anyOf(
        'authentication required',
        'incorrect username or password',
        'invalid username/password',
        'unable to retrieve auth token',
        'cannot be authenticated',
      ),
      anyPattern(/\bunauthorized\b/, /\bunauthenticated\b/),
      is401,
    ),
  },
  {
    // The kubelet warns that a pod's imagePullSecret does not exist and pulls without it: missing credentials. (The
    // pull's own error, when there is one, comes in its own Failed event, which the diagnosis prefers.)
    id: 'unauthorized-pull-secret-missing',
    cause: 'unauthorized',
    matches: anyOf('unable to retrieve pull secret', 'unable to retrieve some image pull secrets'),
  },
  // 8. Refusals that are not about missing credentials: 403, DENIED.
  {
    id: 'forbidden',
    cause: 'forbidden',
    matches: either(
      anyOf('public network access is disabled'),
      // distribution's JSON error body: {"errors":[{"code":"DENIED",…}]}
      anyPattern(/"code" ?: ?"denied"/),
      anyPattern(
        /\bforbidden\b/,
        /\b(?:status|code|http)[ :=]{1,3}403\b/,
        /\b403 forbidden\b/,
        bareStatus(403),
        /(?<!permission )\bdenied: /,
      ),
    ),
  },
  // 9. Transport. DNS first: a lookup that times out is a DNS problem, not a slow registry.
  {
    id: 'dns',
    cause: 'dns',
    matches: either(
      anyOf(
        'no such host',
        'server misbehaving',
        'name resolution',
        'name or service not known',
        'nxdomain',
        'dial tcp: lookup ',
        'dial udp: lookup ',
      ),
      anyPattern(/\blookup [a-z0-9.-]{1,253}(?: on [^\s:]{1,64}:53)?: /, /:53: (?:read|write|i\/o)\b/),
    ),
  },
  {
    id: 'tls',
    cause: 'tls',
    matches: anyOf(
      'x509:',
      'certificate signed by unknown authority',
      'certificate is valid for',
      'certificate is not valid for',
      'certificate has expired',
      'tls: failed to verify',
      'tls: bad certificate',
      'tls: handshake failure',
      'remote error: tls',
      'server gave http response to https client',
      'first record does not look like a tls handshake',
      'certificate verify failed',
    ),
  },
  {
    id: 'network-timeout',
    cause: 'network-timeout',
    matches: either(
      anyOf(
        'i/o timeout',
        'context deadline exceeded',
        'code = deadlineexceeded',
        'client.timeout exceeded',
        'tls handshake timeout',
        'timeout awaiting response headers',
        'connection refused',
        'connection reset by peer',
        'no route to host',
        'network is unreachable',
        'connection timed out',
        'operation timed out',
        'broken pipe',
        'context canceled',
        'code = canceled',
        'request canceled',
        'because of no progress',
        'registry is unavailable',
      ),
      anyPattern(/: (?:unexpected )?eof(?:$|[\s"'\]),;])/),
    ),
  },
  // 10. containerd's NotFound about its own content store or snapshots on the node: no registry said "not found".
  {
    id: 'other-node-content-store',
    cause: 'other',
    matches: anyOf('failed to resolve rootfs', 'failed to prepare extraction snapshot'),
  },
  // 11. The registry answered and has no such repository, tag or layer. Last of the specific rules because
  //     "not found" is the most generic wording there is.
  {
    id: 'image-not-found',
    cause: 'image-not-found',
    matches: either(
      anyOf(
        'manifest unknown',
        'manifest_unknown',
        'name unknown',
        'name_unknown',
        'blob unknown',
        'blob_unknown',
        'repository name not known to registry',
        'repo not found',
        'code = notfound',
        '404 not found',
        // Docker's v1 registry protocol (Docker Hub and Quay, and Docker's own "Tag … not found in repository")
        'not found in repository',
      ),
      anyPattern(
        /: not found(?:$|[\s"'\]),;])/,
        /\bmanifest for [^\s]{1,300} not found\b/,
        /\bstatus[ :=]{1,3}404\b/,
        bareStatus(404),
        /\bimage [^\s]{1,300} not found\b/,
        // containerd 1.1-era CRI: `failed to resolve image "x": x not found`, `no available registry endpoint: x not found`
        /failed to resolve image "[^"]{1,300}": [^\s]{1,300} not found\b/,
        /no available registry endpoint: [^\s]{1,300} not found\b/,
      ),
    ),
  },
];
