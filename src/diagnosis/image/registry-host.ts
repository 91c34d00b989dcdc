import { DOCKER_HUB_DOMAIN } from './normalize-reference.js';

/** Where Docker Hub's registry API actually lives (containerd remotes/docker/config/hosts.go, Docker's registry). */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

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
