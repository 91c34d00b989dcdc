import { goToLower } from './go-lowercase.js';
import { parseReferenceSyntax } from './parse-reference.js';
import { ANCHORED_IDENTIFIER_REGEXP, REFERENCE_ERRORS } from './reference-grammar.js';

/** Docker Hub's canonical domain, its legacy "index" domain, and the namespace of official images (normalize.go). */
export const DOCKER_HUB_DOMAIN = 'docker.io';
export const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPOSITORY_PREFIX = 'library/';
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
export function splitDockerDomain(name: string): { domain: string; remainder: string } {
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
