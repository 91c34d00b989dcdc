import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RegistryNetwork } from '../../clients/registry/registry-client.js';
import { staticRegistryNetwork, type StaticHostMap } from '../../clients/registry/registry-network.js';
import { acrHost, type FakeAcrOptions } from './fake-acr.js';
import { dockerHubHosts, DOCKER_HUB_AUTH_HOST, DOCKER_HUB_REGISTRY_HOST, type FakeDockerHubOptions } from './fake-docker-hub.js';
import { sendErrors, type FakeHostHandler, type FakeRequestRecord } from './fake-http.js';

export type { FakeRequestRecord };

export interface FakeRegistryServerOptions {
  /** Certificate and key covering the served host names (`*.azurecr.io`, `*.docker.io`). */
  tls: { cert: string; key: string };
  acr?: FakeAcrOptions[];
  dockerHub?: FakeDockerHubOptions;
  /** Delay before every answer (for the benchmark); settable later through `latencyMs`. */
  latencyMs?: number;
}

export interface FakeRegistryServer {
  port: number;
  /** Every host name this server answers for. */
  hosts: string[];
  /** Those hosts mapped to this server (`host` → 127.0.0.1:port), for `staticRegistryNetwork`. */
  hostMap(): StaticHostMap;
  /** A `RegistryNetwork` that knows only this server's hosts (plus `extra`). */
  network(extra?: StaticHostMap): RegistryNetwork;
  /** Every token the fake issued (refresh and access), so tests can check none of them leaks. */
  issuedTokens(): string[];
  /** Every token issued so far is refused from now on (as after a registry's key rotation). */
  revokeTokens(): void;
  requests: FakeRequestRecord[];
  /** Delay before every answer, in milliseconds. */
  latencyMs: number;
  close(): Promise<void>;
}

type Handler = FakeHostHandler;

/**
 * Serves fake registries (ACR and Docker Hub variants) over HTTPS on 127.0.0.1, one port for all host names:
 * requests are routed by their Host header, as a TLS-terminating front end would.
 */
export async function startFakeRegistryServer(options: FakeRegistryServerOptions): Promise<FakeRegistryServer> {
  const handlers = new Map<string, Handler>();
  const issuers: Array<{ issued(): string[]; revokeAll(): void }> = [];
  for (const acr of options.acr ?? []) {
    const fake = acrHost(acr);
    handlers.set(fake.host, fake.handle);
    issuers.push(fake.issuer);
  }
  if (options.dockerHub) {
    const hub = dockerHubHosts(options.dockerHub);
    handlers.set(DOCKER_HUB_REGISTRY_HOST, hub.registry);
    handlers.set(DOCKER_HUB_AUTH_HOST, hub.auth);
    issuers.push(hub.issuer);
  }
  const requests: FakeRequestRecord[] = [];
  const state = { latencyMs: options.latencyMs ?? 0 };

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url ?? '/', `https://${host || 'unknown'}`);
    const scheme = (req.headers.authorization ?? '').split(' ')[0]?.toLowerCase() ?? '';
    const record: FakeRequestRecord = {
      method: req.method ?? '',
      host,
      path: url.pathname,
      authorization: scheme === '' ? 'none' : scheme === 'basic' || scheme === 'bearer' ? scheme : 'other',
    };
    requests.push(record);
    const handler = handlers.get(host);
    if (!handler) return sendErrors(res, 421, 'MISDIRECTED', `this server does not serve ${host}`);
    const delay = state.latencyMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, state.latencyMs)) : Promise.resolve();
    delay
      .then(() => handler(req, res, url, record))
      .catch(() => {
        if (!res.headersSent) sendErrors(res, 500, 'UNKNOWN', 'internal error in the fake registry');
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hosts = [...handlers.keys()];
  const hostMap = (): StaticHostMap => Object.fromEntries(hosts.map((h) => [h, { address: '127.0.0.1', port }]));

  return {
    port,
    hosts,
    hostMap,
    network: (extra = {}) => staticRegistryNetwork({ ...hostMap(), ...extra }),
    issuedTokens: () => issuers.flatMap((i) => i.issued()),
    revokeTokens: () => issuers.forEach((i) => i.revokeAll()),
    requests,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
