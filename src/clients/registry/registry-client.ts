/**
 * Talks to container registries the way a node's container runtime would, from where Pull Doctor runs:
 * DNS, `GET /v2/` and its auth challenge, token flows, and manifest HEAD requests. All network access goes
 * through an injected `RegistryNetwork` so tests can point registry host names at local servers (and so no
 * test can ever reach a real address).
 *
 * Secrets rule: no password, token, refresh token or Authorization header ever appears in a result, an error
 * message or a log record. Registry error messages are copied into results only from the registry's JSON
 * `errors` body (which carries no credential), truncated.
 */

/** Where to connect for a registry host. Production resolves with DNS and uses the host's port (443 default). */
export interface RegistryNetwork {
  /** Resolve a host name; rejects with an error carrying a Node DNS code (ENOTFOUND, EAI_AGAIN, ...). */
  resolve(host: string): Promise<string[]>;
  /**
   * The address and port to open a TCP connection to for `host:port`. The TLS server name stays `host`.
   * Production: the first resolved address and the same port. Rejects like `resolve`.
   */
  connectTarget(host: string, port: number): Promise<{ address: string; port: number }>;
}

export type DnsResult = { ok: true; addresses: string[] } | { ok: false; code: string; message: string };

/** One parsed `WWW-Authenticate` challenge (RFC 7235). */
export interface AuthChallenge {
  /** `Bearer` and `Basic` are normalised to that spelling; other schemes are kept as sent. */
  scheme: 'Bearer' | 'Basic' | (string & {});
  realm?: string;
  service?: string;
  scope?: string;
  /** RFC 6750 error, e.g. `insufficient_scope`, `invalid_token`. */
  error?: string;
  /** Every auth-param as sent, names lower-cased. */
  params: Record<string, string>;
}

export type ConnectionFailureKind = 'dns' | 'timeout' | 'refused' | 'reset' | 'tls' | 'other';

/** Which part of the exchange failed: name resolution, TCP connect, TLS handshake, or waiting for the answer. */
export type ConnectionPhase = 'dns' | 'connect' | 'tls' | 'response';

/** A request that never got an HTTP answer. */
export interface ConnectionFailure {
  kind: ConnectionFailureKind;
  phase: ConnectionPhase;
  /** Node's code as thrown: ENOTFOUND, EAI_AGAIN, ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED, ... ETIMEDOUT for our timeouts. */
  code?: string;
  /** The host that could not be reached (the registry, or its token realm). */
  host: string;
  message: string;
}

export type PingResult =
  | {
      ok: true;
      /** The host actually contacted (`docker.io` becomes `registry-1.docker.io`). */
      host: string;
      status: number;
      /** The first Bearer or Basic challenge, if any. */
      challenge?: AuthChallenge | undefined;
      /** Every challenge the registry sent, in order. */
      challenges: AuthChallenge[];
      apiVersionHeader?: string | undefined;
      /** The registry's `errors` body on a non-2xx answer (e.g. ACR firewall `DENIED`). */
      errors: RegistryErrorSummary[];
    }
  | ({ ok: false } & ConnectionFailure);

/** Credentials to use for a pull, as the runtime would get them. Values never leave the process. */
export type RegistryCredential =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string; source: string }
  /** Azure Container Registry with the tool's own Entra token exchanged at `/oauth2/exchange`. */
  | { kind: 'azure-ad'; source: string };

/** How the last manifest request was authenticated. */
export type AuthUsed = 'none' | 'basic' | 'bearer';

/**
 * Where a refusal came from: the registry itself, its token endpoint (`/oauth2/token`, `auth.docker.io/token`),
 * or ACR's `/oauth2/exchange`. A 401 at `token` after a successful `exchange` means the identity signed in but
 * may not pull (no AcrPull).
 */
export type AuthStep = 'registry' | 'token' | 'exchange';

export type ManifestResult =
  | {
      outcome: 'found';
      status: number;
      mediaType?: string | undefined;
      digest?: string | undefined;
      size?: number | undefined;
      auth: AuthUsed;
    }
  | { outcome: 'not-found'; status: number; errors: RegistryErrorSummary[]; auth: AuthUsed }
  | {
      outcome: 'unauthorized' | 'forbidden' | 'rate-limited' | 'error';
      status: number;
      errors: RegistryErrorSummary[];
      retryAfter?: string;
      step: AuthStep;
      auth: AuthUsed;
      /** Our own explanation when the registry's answer alone does not say it (never contains a secret). */
      message?: string;
    }
  | ({ outcome: 'unreachable'; step: AuthStep } & ConnectionFailure);

/** One entry of the registry's `{"errors":[{"code","message"}]}` body (details dropped, message truncated). */
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

/**
 * Never throws for network or registry trouble: that is data in the result. Throws PullDoctorError INVALID_INPUT
 * only for a registry that is not `host[:port]` or a repository/reference outside the distribution grammar.
 */
export interface RegistryClient {
  /** Resolves the host of a registry (`docker.io` → `registry-1.docker.io`; a `:port` is ignored). */
  resolve(host: string): Promise<DnsResult>;
  /** `GET https://{registry}/v2/` without credentials; reports the challenge. */
  ping(registry: string): Promise<PingResult>;
  /** HEAD the manifest (accepting OCI index/manifest and Docker v2/list media types) with the given credential. */
  headManifest(image: ImageLocation, credential: RegistryCredential): Promise<ManifestResult>;
  /**
   * The repository's tags, one page, with the same credential and token flow as `headManifest` (a token that
   * `headManifest` got for the same repository and credential in the last minute is reused).
   */
  listTags(repository: Omit<ImageLocation, 'reference'>, credential: RegistryCredential): Promise<TagListResult>;
}

/** The tags of a repository: one bounded page (`GET /v2/<repository>/tags/list?n=`), read as a pull would read them. */
export type TagListResult =
  | {
      outcome: 'listed';
      /** Valid tag names as the registry listed them (at most TAG_PAGE_SIZE). */
      tags: string[];
      /** The registry has more than this page (a `Link: rel="next"`, or an answer cut at the size limit). */
      more: boolean;
      auth: AuthUsed;
    }
  /** The registry or its token endpoint refused the credential for a listing (401, 403, 429): nothing is said then. */
  | { outcome: 'refused'; status: number }
  /** No such repository (404 NAME_UNKNOWN). */
  | { outcome: 'not-found'; status: number }
  | { outcome: 'error'; status: number; message: string };

/** Tags asked for in one page (`?n=`); the answer is read no further than the client's body limit either way. */
export const TAG_PAGE_SIZE = 500;

/** The tool's own Entra ID token (for ACR's `/oauth2/exchange`), with its tenant when known. */
export type AadTokenProvider = () => Promise<{ token: string; tenantId?: string }>;

/** Manifest media types a container runtime accepts, as containerd sends them in `Accept`. */
export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export const MANIFEST_ACCEPT = [
  MANIFEST_MEDIA_TYPES.ociIndex,
  MANIFEST_MEDIA_TYPES.ociManifest,
  MANIFEST_MEDIA_TYPES.dockerManifestList,
  MANIFEST_MEDIA_TYPES.dockerManifest,
].join(', ');
