/**
 * Where the registry client connects (RegistryNetwork): the system's resolver in production, a fixed map of host
 * names to local servers for tests and the sandbox.
 */
import type { RegistryNetwork } from './registry-client.js';
import { lookup } from 'node:dns/promises';

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

export interface SystemNetworkOptions {
  /** Deadline of one lookup (default 5000 ms); a lookup that takes longer fails with code ETIMEOUT. */
  timeoutMs?: number;
}

/**
 * The production network: getaddrinfo through node:dns (so /etc/hosts and the system resolver apply, as for the
 * container runtime), with a deadline, and a TCP connection to the first address on the same port.
 */
export function systemRegistryNetwork(options: SystemNetworkOptions = {}): RegistryNetwork {
  const timeoutMs = options.timeoutMs ?? 5000;
  const resolve = async (host: string): Promise<string[]> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`queryA ETIMEOUT ${host}: no DNS answer within ${timeoutMs} ms`), { code: 'ETIMEOUT', hostname: host }),
          ),
        timeoutMs,
      );
    });
    try {
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), deadline]);
      return found.map((a) => a.address);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    resolve,
    async connectTarget(host, port) {
      const [address] = await resolve(host);
      if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENODATA ${host}`), { code: 'ENODATA', hostname: host });
      return { address, port };
    },
  };
}
