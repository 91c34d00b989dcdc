/**
 * github.com/distribution/reference v0.6.0, as the kubelet (pkg/util/parsers) and containerd parse `image:` fields:
 * the grammar (regexp.go), `Parse` (reference.go), `ParseNormalizedNamed` (normalize.go) and the digest checks of
 * go-digest. Error texts are the libraries' own. The registry client validates what it puts in a URL with the same
 * grammar (`isRepositoryPath`, `isTagOrDigest`).
 */

/**
 * The image reference grammar of github.com/distribution/reference v0.6.0 (regexp.go), the library that the
 * kubelet (pkg/util/parsers) and containerd use to parse `image:` fields. Each constant mirrors the Go constant
 * of the same name, built the same way, so the regular expressions accept exactly the same strings.
 *
 * Go's RE2 and JavaScript agree on every construct used here: `\w` is ASCII-only in both (no `u` flag),
 * `[[:xdigit:]]` is written `[0-9A-Fa-f]`, and `^`/`$` anchor at the ends of the whole input (no `m` flag).
 * None of the patterns can backtrack catastrophically: every repetition is separated by a mandatory delimiter.
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | \[ IPv6address \]
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   remote-name      := path-component ['/' path-component]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" hex (at least 32 hex digits; go-digest validates further)
 */

const optional = (...parts: string[]): string => `(?:${parts.join('')})?`;
const anyTimes = (...parts: string[]): string => `(?:${parts.join('')})*`;
const capture = (...parts: string[]): string => `(${parts.join('')})`;
const anchored = (...parts: string[]): string => `^${parts.join('')}$`;

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const identifier = '([a-f0-9]{64})';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = domainNameComponent + anyTimes('\\.', domainNameComponent);
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;

const pathComponent = alphanumeric + anyTimes(separator + alphanumeric);
const remoteName = pathComponent + anyTimes('/', pathComponent);
const namePattern = optional(domainAndPort, '/') + remoteName;

/** `^(name)(?::(tag))?(?:@(digest))?$` — groups 1, 2, 3. */
const REFERENCE_REGEXP = new RegExp(anchored(capture(namePattern), optional(':', capture(tag)), optional('@', capture(digestPattern))));

/** `^(?:(domain)/)?(remote-name)$` — splits a name into its domain (group 1, may be absent) and path (group 2). */
const ANCHORED_NAME_REGEXP = new RegExp(anchored(optional(capture(domainAndPort), '/'), capture(remoteName)));

/** A bare 64-hex-digit identifier, which `ParseNormalizedNamed` refuses as a repository name. */
const ANCHORED_IDENTIFIER_REGEXP = new RegExp(anchored(identifier));

/** The longest repository path (domain excluded) that `Parse` accepts; distribution/reference#9 (v0.6.0). */
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;

/** The error texts of reference.go and normalize.go, verbatim. */
const REFERENCE_ERRORS = {
  invalidFormat: 'invalid reference format',
  nameContainsUppercase: 'repository name must be lowercase',
  nameEmpty: 'repository name must have at least one component',
  nameTooLong: `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters`,
} as const;

const ANCHORED_REMOTE_NAME_REGEXP = new RegExp(anchored(remoteName));
const ANCHORED_TAG_REGEXP = new RegExp(anchored(tag));

/** A repository path (no domain) as `Parse` accepts it: what may follow `/v2/` in a registry API URL. */
export function isRepositoryPath(path: string): boolean {
  return path.length <= REPOSITORY_NAME_TOTAL_LENGTH_MAX && ANCHORED_REMOTE_NAME_REGEXP.test(path);
}

/**
 * Digest validation as github.com/opencontainers/go-digest v1.0.0 does it (digest.go `Validate`, algorithm.go
 * `Validate`), which distribution/reference calls on the `@digest` part of every reference. v1.0.0 is the release
 * Kubernetes and containerd pin (go-digest's unreleased main folds the length error into the format error).
 * The runtimes register sha256, sha384 and sha512 (they import crypto/sha256 and crypto/sha512); the encoded
 * part must be exactly twice the hash size long, then lowercase hex.
 */

const ENCODED_BY_ALGORITHM: ReadonlyMap<string, { length: number; pattern: RegExp }> = new Map([
  ['sha256', { length: 64, pattern: /^[a-f0-9]{64}$/ }],
  ['sha384', { length: 96, pattern: /^[a-f0-9]{96}$/ }],
  ['sha512', { length: 128, pattern: /^[a-f0-9]{128}$/ }],
]);

/** go-digest `DigestRegexpAnchored`: the shape of any digest, registered algorithm or not. */
const ANY_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const DIGEST_ERRORS = {
  /** go-digest `ErrDigestInvalidFormat`. */
  invalidFormat: 'invalid checksum digest format',
  /** go-digest `ErrDigestInvalidLength`. */
  invalidLength: 'invalid checksum digest length',
  /** go-digest `ErrDigestUnsupported`. */
  unsupported: 'unsupported digest algorithm',
} as const;

/** Returns the go-digest error text for an invalid digest, or undefined when it is valid. */
function digestError(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon + 1 === digest.length) return DIGEST_ERRORS.invalidFormat;
  const algorithm = ENCODED_BY_ALGORITHM.get(digest.slice(0, colon));
  if (algorithm === undefined) {
    return ANY_DIGEST.test(digest) ? DIGEST_ERRORS.unsupported : DIGEST_ERRORS.invalidFormat;
  }
  const encoded = digest.slice(colon + 1);
  if (encoded.length !== algorithm.length) return DIGEST_ERRORS.invalidLength;
  return algorithm.pattern.test(encoded) ? undefined : DIGEST_ERRORS.invalidFormat;
}

/** A tag, or a digest go-digest accepts: what may follow `/manifests/` in a registry API URL. */
export function isTagOrDigest(reference: string): boolean {
  return ANCHORED_TAG_REGEXP.test(reference) || digestError(reference) === undefined;
}

/**
 * Go's `strings.ToLower`, which the reference parser uses to tell "has uppercase" from "is malformed".
 * Go applies Unicode *simple* case mapping rune by rune; JavaScript's `toLowerCase` applies the full mapping,
 * which differs for one character only: U+0130 (İ) lowercases to `i` in Go but to `i̇` (two code points) in
 * JavaScript. The conditional final-sigma rule also differs, but both results are non-ASCII and so can never
 * make a reference match.
 */
function goToLower(text: string): string {
  return text.replace(/\u0130/g, 'i').toLowerCase();
}

/** What distribution/reference `Parse` returns for a syntactically valid reference. */
export interface SyntacticReference {
  /** Domain as matched by the name regexp; empty when the name has none. */
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

export type SyntacticParse = { ok: true; ref: SyntacticReference } | { ok: false; reason: string };

/**
 * distribution/reference v0.6.0 `Parse` (reference.go): no normalization, no defaults. Error texts are the
 * library's own, in the same order of checks.
 */
export function parseReferenceSyntax(text: string): SyntacticParse {
  if (text === '') return { ok: false, reason: REFERENCE_ERRORS.nameEmpty };

  const matches = REFERENCE_REGEXP.exec(text);
  if (matches === null) {
    const lower = goToLower(text);
    if (lower !== text && REFERENCE_REGEXP.test(lower)) {
      // It would parse once lowercased: the input holds an invalid (uppercase) repository name.
      return { ok: false, reason: REFERENCE_ERRORS.nameContainsUppercase };
    }
    return { ok: false, reason: REFERENCE_ERRORS.invalidFormat };
  }

  const name = matches[1] ?? '';
  const nameMatch = ANCHORED_NAME_REGEXP.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch ? (nameMatch[2] ?? '') : name;
  if (path.length > REPOSITORY_NAME_TOTAL_LENGTH_MAX) return { ok: false, reason: REFERENCE_ERRORS.nameTooLong };

  const ref: SyntacticReference = { domain, path };
  const tag = matches[2];
  if (tag !== undefined && tag !== '') ref.tag = tag;
  const digest = matches[3];
  if (digest !== undefined && digest !== '') {
    const error = digestError(digest);
    if (error !== undefined) return { ok: false, reason: error };
    ref.digest = digest;
  }
  return { ok: true, ref };
}

/** Docker Hub's canonical domain, its legacy "index" domain, and the namespace of official images (normalize.go). */
export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_REPOSITORY_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const LOCALHOST = 'localhost';

/** A reference after `ParseNormalizedNamed`: the domain the runtime connects to, and the repository path. */
export interface NormalizedReference {
  /** As written (case kept), or `docker.io` when the name has no domain. */
  domain: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type NormalizedParse = { ok: true; ref: NormalizedReference } | { ok: false; reason: string };

/**
 * normalize.go `splitDockerDomain`: the first path element is a domain when it is `localhost`, contains `.` or
 * `:`, or has uppercase letters (repository paths cannot); otherwise the name is on Docker Hub, and a single
 * element there lives under `library/`.
 */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { domain: DOCKER_HUB_DOMAIN, remainder: OFFICIAL_REPOSITORY_PREFIX + name };

  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (maybeDomain === LOCALHOST) {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else if (maybeDomain === LEGACY_DOCKER_HUB_DOMAIN) {
    [domain, remainder] = [DOCKER_HUB_DOMAIN, maybeRemainder];
  } else if (maybeDomain.includes('.') || maybeDomain.includes(':')) {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else if (goToLower(maybeDomain) !== maybeDomain) {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else {
    [domain, remainder] = [DOCKER_HUB_DOMAIN, name];
  }
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPOSITORY_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * normalize.go `ParseNormalizedNamed` (v0.6.0), which the kubelet's `parsers.ParseImageName` calls. Error texts
 * are the library's own: the kubelet reports them as
 * `Failed to apply default image tag "X": couldn't parse image name "X": <reason>`.
 */
export function parseNormalizedReference(text: string): NormalizedParse {
  if (ANCHORED_IDENTIFIER_REGEXP.test(text)) {
    return { ok: false, reason: `invalid repository name (${text}), cannot specify 64-byte hexadecimal strings` };
  }
  const { domain, remainder } = splitDockerDomain(text);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (goToLower(remote) !== remote) {
    return { ok: false, reason: `${REFERENCE_ERRORS.invalidFormat}: repository name (${remote}) must be lowercase` };
  }

  const parsed = parseReferenceSyntax(`${domain}/${remainder}`);
  if (!parsed.ok) return parsed;

  // The parsed name is always `${domain}/${repository}`: `/` cannot occur in a tag or digest, so the name runs past
  // the first slash. (The name regexp may itself see no domain, e.g. for `foo_bar.com/x`, but the runtime still
  // connects to the text before the first slash.)
  const fullName = parsed.ref.domain === '' ? parsed.ref.path : `${parsed.ref.domain}/${parsed.ref.path}`;
  const ref: NormalizedReference = { domain, repository: fullName.slice(domain.length + 1) };
  if (parsed.ref.tag !== undefined) ref.tag = parsed.ref.tag;
  if (parsed.ref.digest !== undefined) ref.digest = parsed.ref.digest;
  return { ok: true, ref };
}
