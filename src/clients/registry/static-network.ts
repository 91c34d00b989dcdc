import type { RegistryNetwork } from './registry-client.js';

/** Host name → where it lives. Keys are matched case-insensitively; a key may carry a port (`host:5000`) to map only that port. */
export type StaticHostMap = Record<string, { address: string; port: number }>;

/**
 * A `RegistryNetwork` that knows only the hosts it is given and never asks real DNS: unknown hosts fail with
 * ENOTFOUND like getaddrinfo does. Tests and the local sandbox map registry names to local servers with it:
 * `staticRegistryNetwork({ 'myacr.azurecr.io': { address: '127.0.0.1', port } })`.
 */
export function staticRegistryNetwork(map: StaticHostMap): RegistryNetwork {
  const entries = new Map(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value]));
  const notFound = (host: string) =>
    Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host });
  const lookup = (host: string, port?: number) => {
    const name = host.toLowerCase();
    return (port !== undefined ? entries.get(`${name}:${port}`) : undefined) ?? entries.get(name);
  };
  return {
    async resolve(host) {
      const hit = lookup(host) ?? [...entries].find(([key]) => key.startsWith(`${host.toLowerCase()}:`))?.[1];
      if (!hit) throw notFound(host);
      return [hit.address];
    },
    async connectTarget(host, port) {
      const hit = lookup(host, port);
      if (!hit) throw notFound(host);
      return { address: hit.address, port: hit.port };
    },
  };
}
