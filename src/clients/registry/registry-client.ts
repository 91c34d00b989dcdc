/**
 * Talks to container registries the way a node's container runtime would, from where Pull Doctor runs:
 * DNS, `GET /v2/` and its auth challenge, token flows, and manifest HEAD requests. All network access goes
 * through an injected `RegistryNetwork` so tests can point registry host names at local servers (and so no
 * test can ever reach a real address).
 */

/** Where to connect for a registry host. Production resolves with DNS and uses the host's port (443 default). */
export interface RegistryNetwork {
  /** Resolve a host name; rejects with an error carrying a Node DNS code (ENOTFOUND, EAI_AGAIN, ...). */
  resolve(host: string): Promise<string[]>;
  /**
   * The address and port to open a TCP connection to for `host:port`. The TLS server name stays `host`.
   * Production: the first resolved address and the same port.
   */
  connectTarget(host: string, port: number): Promise<{ address: string; port: number }>;
}

export type DnsResult =
  | { ok: true; addresses: string[] }
  | { ok: false; code: string; message: string };

/** A parsed `WWW-Authenticate` challenge from `GET /v2/`. */
export interface AuthChallenge {
  scheme: 'Bearer' | 'Basic' | string;
  realm?: string;
  service?: string;
  scope?: string;
}

export type ConnectionFailureKind = 'dns' | 'timeout' | 'refused' | 'reset' | 'tls' | 'other';

export type PingResult =
  | { ok: true; status: number; challenge?: AuthChallenge; apiVersionHeader?: string }
  | { ok: false; kind: ConnectionFailureKind; code?: string; message: string };

/** Credentials to use for a pull, as the runtime would get them. Values never leave the process. */
export type RegistryCredential =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string; source: string }
  /** Azure Container Registry with an Entra token exchanged at `/oauth2/exchange`. */
  | { kind: 'azure-ad'; source: string };

export type ManifestResult =
  | { outcome: 'found'; status: number; mediaType?: string; digest?: string }
  | { outcome: 'not-found'; status: number; errors: RegistryErrorSummary[] }
  | { outcome: 'unauthorized' | 'forbidden' | 'rate-limited' | 'error'; status: number; errors: RegistryErrorSummary[]; retryAfter?: string }
  | { outcome: 'unreachable'; kind: ConnectionFailureKind; code?: string; message: string };

/** One entry of the registry's `{"errors":[{"code","message"}]}` body (details dropped). */
export interface RegistryErrorSummary {
  code: string;
  message: string;
}

export interface ImageLocation {
  /** Registry host as written in the reference (with port), e.g. `myacr.azurecr.io`, `localhost:5000`, `docker.io`. */
  registry: string;
  /** Repository path, e.g. `library/nginx`. */
  repository: string;
  /** Tag or digest to look up. */
  reference: string;
}

export interface RegistryClient {
  resolve(host: string): Promise<DnsResult>;
  /** `GET https://{registry}/v2/` without credentials; reports the challenge. */
  ping(registry: string): Promise<PingResult>;
  /** HEAD the manifest (accepting OCI index/manifest and Docker v2/list media types) with the given credential. */
  headManifest(image: ImageLocation, credential: RegistryCredential): Promise<ManifestResult>;
}
