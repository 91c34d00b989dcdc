/**
 * Where a registry named in an image reference actually lives: host, port, and the `Host` header to send.
 * Docker Hub is named `docker.io` (or `index.docker.io`) in references but serves the API at
 * `registry-1.docker.io`, as the Docker daemon and containerd do.
 */
export interface RegistryEndpoint {
  /** Host name (or IP address, without brackets) used for DNS and as the TLS server name. */
  host: string;
  port: number;
  /** `host` or `host:port` (IPv6 in brackets), for the Host header and URLs. */
  authority: string;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io']);
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port`; throws on anything else (callers pass parsed references). */
export function registryEndpoint(registry: string): RegistryEndpoint {
  const text = registry.trim().toLowerCase();
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/.exec(text);
  if (!match) throw new Error(`not a registry host: ${JSON.stringify(registry.slice(0, 100))}`);
  const v6 = match[1];
  let host = v6 ?? match[2]!;
  const port = match[3] === undefined ? 443 : Number(match[3]);
  if (port < 1 || port > 65535) throw new Error(`not a registry port: ${match[3]}`);
  if (v6 === undefined && match[3] === undefined && DOCKER_HUB_ALIASES.has(host)) host = DOCKER_HUB_API_HOST;
  return endpointOf(host, port);
}

export function endpointOf(host: string, port: number): RegistryEndpoint {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return { host, port, authority: port === 443 ? bracketed : `${bracketed}:${port}` };
}

/** The endpoint of an absolute https URL (realm, redirect target). */
export function endpointOfUrl(url: URL): RegistryEndpoint {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return endpointOf(host.toLowerCase(), url.port === '' ? 443 : Number(url.port));
}
