/**
 * The RegistryClient over HTTPS: DNS, `GET /v2/` and its challenge, and a manifest HEAD made as a container runtime
 * makes it (the runtime's Accept list, the token flows of registry-auth.ts, redirects followed only to https and
 * without the Authorization header off the registry endpoint).
 */
import { isRepositoryPath, isTagOrDigest } from '../../diagnosis/image/reference-grammar.js';
import { PullDoctorError } from '../../errors/index.js';
import { silentLogger, type Logger } from '../../logging/index.js';
import { isAzureContainerRegistry } from '../../diagnosis/image/image-reference.js';
import {
  AcrTokens,
  basicAuthorization,
  fetchBearerToken,
  header,
  ownError,
  parseRegistryErrors,
  refusal,
  sameEndpoint,
} from './registry-auth.js';
import {
  MANIFEST_ACCEPT,
  type AadTokenProvider,
  type AuthUsed,
  type ConnectionFailure,
  type DnsResult,
  type ImageLocation,
  type ManifestResult,
  type PingResult,
  type RegistryClient,
  type RegistryCredential,
  type RegistryNetwork,
} from './registry-client.js';
import {
  endpointOfUrl,
  registryEndpoint,
  registryHttp,
  type HttpsAnswer,
  type RegistryEndpoint,
  type RegistryHttp,
} from './registry-https.js';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.js';
import { listTags, RecentTokens } from './registry-tags.js';

export interface RegistryClientOptions {
  network: RegistryNetwork;
  /** The tool's own Entra token, for `azure-ad` credentials against Azure Container Registry. */
  aadToken?: AadTokenProvider | undefined;
  /** Deadline of each HTTP request and DNS lookup (default 5000 ms). */
  timeoutMs?: number | undefined;
  log?: Logger | undefined;
}

const DEFAULT_REGISTRY_TIMEOUT_MS = 5000;

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
  const log = (options.log ?? silentLogger()).child({ component: 'registry-client' });
  const http = registryHttp({ network: options.network, timeoutMs, log });
  const acrTokens = new AcrTokens();
  const tokens = new RecentTokens();
  return {
    resolve: (host) => resolveHost(options.network, host, timeoutMs),
    ping: (registry) => ping(http, endpoint(registry)),
    async headManifest(image, credential) {
      const registry = endpoint(image.registry);
      const path = manifestPath(image);
      // The authorization that worked, kept a minute for listTags (the nearest tags) with the same credential.
      const signedIn = (authorization: string) => tokens.set(RecentTokens.key(registry, image.repository, credential), authorization);
      const result =
        credential.kind === 'azure-ad' && isAzureContainerRegistry(image.registry)
          ? await headAcrManifest(http, registry, path, image.repository, credential, options.aadToken, acrTokens, signedIn)
          : await headManifest(http, registry, path, image.repository, credential, options.aadToken, signedIn);
      log.debug('manifest checked', {
        registry: image.registry,
        repository: image.repository,
        reference: image.reference,
        credential: credential.kind,
        outcome: result.outcome,
      });
      return result;
    },
    async listTags(image, credential) {
      const result = await listTags({
        http,
        registry: endpoint(image.registry),
        repository: image.repository,
        credential,
        aadToken: options.aadToken,
        tokens,
      });
      log.debug('tags listed', {
        registry: image.registry,
        repository: image.repository,
        credential: credential.kind,
        outcome: result.outcome,
        ...(result.outcome === 'listed' ? { tags: result.tags.length, more: result.more } : {}),
      });
      return result;
    },
  };
}

function endpoint(registry: string): RegistryEndpoint {
  try {
    return registryEndpoint(registry);
  } catch {
    throw new PullDoctorError('INVALID_INPUT', `"${registry.slice(0, 100)}" is not a registry host`);
  }
}

async function resolveHost(network: RegistryNetwork, host: string, timeoutMs: number): Promise<DnsResult> {
  let name: string;
  try {
    name = registryEndpoint(host).host;
  } catch {
    return { ok: false, code: 'EINVAL', message: `"${host.slice(0, 100)}" is not a host name` };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`resolving ${name} took longer than ${timeoutMs} ms`), { code: 'ETIMEOUT' })),
      timeoutMs,
    );
  });
  try {
    const addresses = await Promise.race([network.resolve(name), deadline]);
    return { ok: true, addresses };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      code: typeof code === 'string' ? code : 'EUNKNOWN',
      message: error instanceof Error ? error.message.slice(0, 300) : `cannot resolve ${name}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function ping(http: RegistryHttp, registry: RegistryEndpoint): Promise<PingResult> {
  const outcome = await http.send({ method: 'GET', url: new URL(`https://${registry.authority}/v2/`) });
  if (!outcome.ok) return { ok: false, ...outcome.failure };
  const { answer } = outcome;
  const challenges = parseWwwAuthenticate(answer.headers['www-authenticate']);
  const challenge = preferredChallenge(challenges);
  const apiVersionHeader = header(answer, 'docker-distribution-api-version');
  return {
    ok: true,
    host: registry.host,
    status: answer.status,
    challenge,
    challenges,
    apiVersionHeader,
    errors: answer.status >= 400 ? parseRegistryErrors(answer.body) : [],
  };
}

/**
 * HEAD the manifest as a runtime would: first without credentials; on 401 follow the challenge (Bearer token
 * flow, or Basic with a basic credential) and try once more. The final non-success answer is repeated as GET
 * because HEAD answers carry no body, and the registry's `errors` are what tell MANIFEST_UNKNOWN from NAME_UNKNOWN.
 */
async function headManifest(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  path: string,
  repository: string,
  credential: RegistryCredential,
  aadToken: RegistryClientOptions['aadToken'],
  signedIn: (authorization: string) => void,
): Promise<ManifestResult> {
  const first = await requestManifest(http, registry, 'HEAD', path);
  if (!first.ok) return notAnswered(first, 'none');
  if (first.answer.status !== 401) return conclude(http, registry, path, first.answer, undefined, 'none');

  const challenge = preferredChallenge(parseWwwAuthenticate(first.answer.headers['www-authenticate']));
  let authorization: string;
  let auth: AuthUsed;
  if (challenge?.scheme === 'Bearer') {
    const token = await fetchBearerToken(http, registry, challenge, repository, credential, aadToken);
    if (!token.ok) return token.result;
    authorization = `Bearer ${token.token}`;
    auth = 'bearer';
  } else if (challenge?.scheme === 'Basic' && credential.kind === 'basic') {
    authorization = basicAuthorization(credential.username, credential.password);
    auth = 'basic';
  } else {
    const why =
      challenge === undefined
        ? 'the registry answered 401 without a Bearer or Basic challenge'
        : credential.kind === 'azure-ad'
          ? 'the registry asks for Basic credentials; an Entra token can only be used with an ACR Bearer challenge'
          : 'the registry requires credentials (Basic) and none were given';
    return conclude(http, registry, path, first.answer, undefined, 'none', why);
  }

  const second = await requestManifest(http, registry, 'HEAD', path, authorization);
  if (!second.ok) return notAnswered(second, auth);
  if (second.answer.status !== 401 && second.answer.status !== 403) signedIn(authorization);
  return conclude(http, registry, path, second.answer, authorization, auth);
}

/**
 * HEAD a manifest on Azure Container Registry with the tool's own Entra identity. ACR's challenge is always
 * `Bearer realm="https://<host>/oauth2/token",service="<host>"`, so the anonymous request that would only fetch it
 * is skipped, and the tokens of earlier checks are used while they last (AcrTokens): exchange, token and manifest
 * the first time, the manifest alone after. A kept token the registry refuses is forgotten and the sign-in done
 * again once. When the identity may not pull (401 at the token step) the manifest is tried anonymously, as the
 * node would (anonymous pull).
 */
async function headAcrManifest(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  path: string,
  repository: string,
  credential: RegistryCredential,
  aadToken: RegistryClientOptions['aadToken'],
  acrTokens: AcrTokens,
  signedIn: (authorization: string) => void,
): Promise<ManifestResult> {
  const challenge = { scheme: 'Bearer', realm: `https://${registry.authority}/oauth2/token`, service: registry.host, params: {} };
  for (let attempt = 0; ; attempt++) {
    const token = await fetchBearerToken(http, registry, challenge, repository, credential, aadToken, acrTokens);
    if (!token.ok) {
      if (token.result.outcome !== 'unauthorized' || token.result.step !== 'token') return token.result;
      const anonymous = await headManifest(http, registry, path, repository, { kind: 'anonymous' }, undefined, () => undefined);
      return anonymous.outcome === 'found' ? anonymous : token.result;
    }
    const authorization = `Bearer ${token.token}`;
    const answer = await requestManifest(http, registry, 'HEAD', path, authorization);
    if (!answer.ok) return notAnswered(answer, 'bearer');
    if (answer.answer.status === 401 && token.cached && attempt === 0) {
      acrTokens.forget(registry.host, [`repository:${repository}:pull`]);
      continue;
    }
    if (answer.answer.status !== 401 && answer.answer.status !== 403) signedIn(authorization);
    return conclude(http, registry, path, answer.answer, authorization, 'bearer');
  }
}

async function conclude(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  path: string,
  answer: HttpsAnswer,
  authorization: string | undefined,
  auth: AuthUsed,
  message?: string,
): Promise<ManifestResult> {
  if (answer.status >= 200 && answer.status < 300) {
    const mediaType = header(answer, 'content-type')?.split(';')[0]?.trim();
    const digest = header(answer, 'docker-content-digest');
    const length = Number(header(answer, 'content-length'));
    return {
      outcome: 'found',
      status: answer.status,
      mediaType: mediaType || undefined,
      digest: digest || undefined,
      size: Number.isSafeInteger(length) && length > 0 ? length : undefined,
      auth,
    };
  }
  const withBody = answer.body === '' ? await bodyOf(http, registry, path, answer, authorization) : answer;
  if (answer.status === 404) return { outcome: 'not-found', status: 404, errors: parseRegistryErrors(withBody.body), auth };
  let why = message;
  const challenge = preferredChallenge(parseWwwAuthenticate(answer.headers['www-authenticate']));
  if (why === undefined && answer.status === 401 && auth !== 'none') {
    why =
      challenge?.error === 'insufficient_scope'
        ? 'the token does not grant pull on this repository (insufficient_scope)'
        : 'the registry refused the credentials';
  }
  return refusal(withBody, 'registry', auth, why);
}

/** The same request as GET, to read the error body a HEAD answer cannot carry; falls back to the HEAD answer. */
async function bodyOf(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  path: string,
  head: HttpsAnswer,
  authorization: string | undefined,
): Promise<HttpsAnswer> {
  const again = await requestManifest(http, registry, 'GET', path, authorization);
  if (again.ok && again.answer.status === head.status) return { ...head, body: again.answer.body };
  return head;
}

function notAnswered(answer: Exclude<ManifestAnswer, { ok: true }>, auth: AuthUsed): ManifestResult {
  if ('failure' in answer) return { outcome: 'unreachable', step: 'registry', ...answer.failure };
  return ownError('registry', auth, answer.refused);
}

export type ManifestAnswer = { ok: true; answer: HttpsAnswer } | { ok: false; failure: ConnectionFailure } | { ok: false; refused: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/**
 * A manifest request with the runtime's `Accept` list. Redirects are followed (at most three) only to https;
 * the Authorization header goes only to the registry endpoint itself, never to a host it redirects to.
 */
async function requestManifest(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  method: 'HEAD' | 'GET',
  path: string,
  authorization?: string,
): Promise<ManifestAnswer> {
  let url = new URL(`https://${registry.authority}${path}`);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT };
    if (authorization !== undefined && sameEndpoint(endpointOfUrl(url), registry)) headers.Authorization = authorization;
    const outcome = await http.send({ method, url, headers });
    if (!outcome.ok) return outcome;
    const { answer } = outcome;
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.status) || typeof location !== 'string') return outcome;
    if (hop >= MAX_REDIRECTS)
      return { ok: false, refused: `the registry redirected more than ${MAX_REDIRECTS} times; not followed further` };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { ok: false, refused: `the registry answered ${answer.status} with an invalid Location; not followed` };
    }
    if (next.protocol !== 'https:') {
      return {
        ok: false,
        refused: `the registry redirected to a ${next.protocol.replace(':', '')} URL on ${next.host}; only https redirects are followed`,
      };
    }
    url = next;
  }
}

/** `/v2/<repository>/manifests/<reference>`, refusing anything that is not a valid repository and tag or digest. */
export function manifestPath(image: ImageLocation): string {
  if (!isRepositoryPath(image.repository)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.repository.slice(0, 100)}" is not a valid repository name`);
  }
  if (!isTagOrDigest(image.reference)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.reference.slice(0, 100)}" is not a valid tag or digest`);
  }
  return `/v2/${image.repository}/manifests/${image.reference}`;
}
