/**
 * Image references as the kubelet and containerd read them (the grammar and normalization of
 * github.com/distribution/reference v0.6.0 with go-digest's checks, in reference-grammar.ts), and what the
 * registry host of one means: where its API lives, whether it is an Azure Container Registry. An invalid reference
 * yields the runtime's own error text.
 */
import { DOCKER_HUB_API_HOST } from '../../clients/registry/registry-https.js';
import { DEFAULT_TAG, DOCKER_HUB_DOMAIN, parseNormalizedReference } from './reference-grammar.js';

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

/** The host to talk to for the registry API: docker.io → registry-1.docker.io; others unchanged. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : registry;
}

/**
 * Login servers of Azure Container Registry in every Azure cloud: the match list of the AKS kubelet credential
 * provider (kubernetes-sigs/cloud-provider-azure pkg/credentialprovider/azure_credentials.go,
 * `containerRegistryUrls = {"*.azurecr.io", "*.azurecr.cn", "*.azurecr.de", "*.azurecr.us"}`): public, China
 * (21Vianet), Germany (retired sovereign cloud, still matched) and US Government.
 * One label before the suffix, like the glob: `myacr.azurecr.io` (and `myacr-abc123.azurecr.io` with a domain
 * name label hash) are registries, while `myacr.westeurope.data.azurecr.io` is a data endpoint that images are
 * never named by. A port is tolerated (`myacr.azurecr.io:443`), although the credential provider's glob would
 * not match it.
 */
const ACR_LOGIN_SERVER = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.azurecr\.(?:io|cn|de|us)(?::[0-9]+)?$/;

export function isAzureContainerRegistry(registry: string): boolean {
  return ACR_LOGIN_SERVER.test(registry.toLowerCase());
}
