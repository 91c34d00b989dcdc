import { lookup } from 'node:dns/promises';
import type { RegistryNetwork } from './registry-client.js';

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
        () => reject(Object.assign(new Error(`queryA ETIMEOUT ${host}: no DNS answer within ${timeoutMs} ms`), { code: 'ETIMEOUT', hostname: host })),
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
