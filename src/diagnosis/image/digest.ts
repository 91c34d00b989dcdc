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

export const DIGEST_ERRORS = {
  /** go-digest `ErrDigestInvalidFormat`. */
  invalidFormat: 'invalid checksum digest format',
  /** go-digest `ErrDigestInvalidLength`. */
  invalidLength: 'invalid checksum digest length',
  /** go-digest `ErrDigestUnsupported`. */
  unsupported: 'unsupported digest algorithm',
} as const;

/** Returns the go-digest error text for an invalid digest, or undefined when it is valid. */
export function digestError(digest: string): string | undefined {
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
