import { boundMessage } from './classify-pull-error.js';

/**
 * Some registries refuse to say whether a repository exists: a private repository pulled without (the right)
 * credentials gets the same answer as one that was never pushed, on purpose. A message in one of these wordings
 * cannot tell "not found" from "no access", so the finding says so instead of guessing.
 *
 * Each wording is a substring test or a bounded pattern on the bounded, lower-cased text, so the check is linear.
 */
interface AmbiguousWording {
  matches(text: string): boolean;
  /** What the on-call engineer reads: who answers this way, and what to check first. */
  says: string;
}

const WORDINGS: readonly AmbiguousWording[] = [
  {
    // Docker Hub, Harbor and other distribution-based registries; ECR through containerd's "pull access denied".
    matches: (text) =>
      [
        'pull access denied',
        'may require authorization',
        "may require 'docker login'",
        'may require "docker login"',
        'requested access to the resource is denied',
        'does not exist or no pull access',
        'insufficient_scope',
      ].some((needle) => text.includes(needle)) || /\berror: image [^\s]{1,300} not found\b/.test(text),
    says: 'This registry gives the same answer for a repository that does not exist and for a private one these credentials may not read (Docker Hub and Harbor do so on purpose): check the repository name and tag first, then the credentials.',
  },
  {
    matches: (text) => text.includes('access to the requested resource is not authorized'),
    says: 'Quay answers "not authorized" both for a private repository and for one that does not exist: check the repository name and tag first, then the credentials.',
  },
  {
    matches: (text) => text.includes('(or it may not exist)') || text.includes('or the resource may not exist'),
    says: "Google's registry says itself that the repository may not exist: check the project, repository and image name first, then the node's read permission.",
  },
  {
    // GHCR answers 403 at its token endpoint and on manifests for a private package and for a missing one alike.
    matches: (text) => text.includes('ghcr.io') && /\b403\b/.test(text),
    says: "GitHub's registry answers 403 both for a private package and for one that does not exist: check the package name first, then its visibility and the token's read:packages scope.",
  },
];

/**
 * When the runtime's message is a registry's deliberate "not found or not allowed", a sentence that says so and
 * what to check first; undefined for a message that tells which it is. Reads the same first 8 KiB as the classifier.
 */
export function pullErrorAmbiguity(message: string): string | undefined {
  const text = boundMessage(message).toLowerCase();
  if (text === '') return undefined;
  return WORDINGS.find((wording) => wording.matches(text))?.says;
}
