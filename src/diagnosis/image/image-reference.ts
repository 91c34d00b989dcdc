/**
 * Image references as the kubelet and containerd read them: the grammar and normalization of
 * github.com/distribution/reference v0.6.0 (see reference-grammar.ts, parse-reference.ts, normalize-reference.ts),
 * with the digest checks of go-digest. An invalid reference yields the runtime's own error text.
 */
import { DEFAULT_TAG, DOCKER_HUB_DOMAIN, parseNormalizedReference } from './normalize-reference.js';

export { registryApiHost, isAzureContainerRegistry } from './registry-host.js';

export interface ImageReference {
  original: string;
  /** Normalized registry: lowercase host[:port]; `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path, e.g. `library/nginx`, `shop/web`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** What a pull asks for: the digest if present, else the tag, else `latest`. */
  reference: string;
  isDockerHub: boolean;
  /** Canonical string, e.g. `docker.io/library/nginx:latest`. */
  canonical: string;
}

export type ImageReferenceParse = { ok: true; ref: ImageReference } | { ok: false; reason: string };

export function parseImageReference(text: string): ImageReferenceParse {
  const parsed = parseNormalizedReference(text);
  if (!parsed.ok) return parsed;

  const { tag, digest, repository } = parsed.ref;
  // Host names are case-insensitive; the domain keeps its case in the runtime's own name, but not here.
  const registry = parsed.ref.domain.toLowerCase();
  const ref: ImageReference = {
    original: text,
    registry,
    repository,
    reference: digest ?? tag ?? DEFAULT_TAG,
    isDockerHub: registry === DOCKER_HUB_DOMAIN,
    // Like `TagNameOnly(ParseNormalizedNamed(x)).String()`: `latest` only when there is neither tag nor digest.
    canonical: `${registry}/${repository}${tag !== undefined ? `:${tag}` : digest !== undefined ? '' : `:${DEFAULT_TAG}`}${
      digest !== undefined ? `@${digest}` : ''
    }`,
  };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, ref };
}
