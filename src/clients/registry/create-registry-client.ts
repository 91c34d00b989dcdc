import { silentLogger, type Logger } from '../../logging/index.js';
import { PullDoctorError } from '../../errors/index.js';
import type {
  AadTokenProvider,
  AuthUsed,
  DnsResult,
  ImageLocation,
  ManifestResult,
  PingResult,
  RegistryClient,
  RegistryCredential,
  RegistryNetwork,
} from './registry-client.js';
import { registryEndpoint, type RegistryEndpoint } from './registry-endpoint.js';
import { registryHttp, type RegistryHttp } from './registry-http.js';
import { parseWwwAuthenticate, preferredChallenge } from './www-authenticate.js';
import { parseRegistryErrors } from './registry-errors.js';
import { requestManifest, type ManifestAnswer } from './manifest-request.js';
import { fetchBearerToken } from './bearer-token.js';
import { basicAuthorization } from './basic-authorization.js';
import { header, ownError, refusal } from './token-answer.js';
import { manifestPath } from './image-path.js';
import type { HttpsAnswer } from './https-request.js';

export interface RegistryClientOptions {
  network: RegistryNetwork;
  /** The tool's own Entra token, for `azure-ad` credentials against Azure Container Registry. */
  aadToken?: AadTokenProvider;
  /** Deadline of each HTTP request and DNS lookup (default 5000 ms). */
  timeoutMs?: number;
  log?: Logger;
}

export const DEFAULT_REGISTRY_TIMEOUT_MS = 5000;

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
  const log = (options.log ?? silentLogger()).child({ component: 'registry-client' });
  const http = registryHttp({ network: options.network, timeoutMs, log });
  return {
    resolve: (host) => resolveHost(options.network, host, timeoutMs),
    ping: (registry) => ping(http, endpoint(registry)),
    async headManifest(image, credential) {
      const result = await headManifest(http, endpoint(image.registry), manifestPath(image), image.repository, credential, options.aadToken);
      log.debug('manifest checked', { registry: image.registry, repository: image.repository, reference: image.reference, credential: credential.kind, outcome: result.outcome });
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
    timer = setTimeout(() => reject(Object.assign(new Error(`resolving ${name} took longer than ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
  });
  try {
    const addresses = await Promise.race([network.resolve(name), deadline]);
    return { ok: true, addresses };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, code: typeof code === 'string' ? code : 'EUNKNOWN', message: error instanceof Error ? error.message.slice(0, 300) : `cannot resolve ${name}` };
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
    ...(challenge === undefined ? {} : { challenge }),
    challenges,
    ...(apiVersionHeader === undefined ? {} : { apiVersionHeader }),
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
  return conclude(http, registry, path, second.answer, authorization, auth);
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
      ...(mediaType ? { mediaType } : {}),
      ...(digest ? { digest } : {}),
      ...(Number.isSafeInteger(length) && length > 0 ? { size: length } : {}),
      auth,
    };
  }
  const withBody = answer.body === '' ? await bodyOf(http, registry, path, answer, authorization) : answer;
  if (answer.status === 404) return { outcome: 'not-found', status: 404, errors: parseRegistryErrors(withBody.body), auth };
  let why = message;
  const challenge = preferredChallenge(parseWwwAuthenticate(answer.headers['www-authenticate']));
  if (why === undefined && answer.status === 401 && auth !== 'none') {
    why = challenge?.error === 'insufficient_scope' ? 'the token does not grant pull on this repository (insufficient_scope)' : 'the registry refused the credentials';
  }
  return refusal(withBody, 'registry', auth, why);
}

/** The same request as GET, to read the error body a HEAD answer cannot carry; falls back to the HEAD answer. */
async function bodyOf(http: RegistryHttp, registry: RegistryEndpoint, path: string, head: HttpsAnswer, authorization: string | undefined): Promise<HttpsAnswer> {
  const again = await requestManifest(http, registry, 'GET', path, authorization);
  if (again.ok && again.answer.status === head.status) return { ...head, body: again.answer.body };
  return head;
}

function notAnswered(answer: Exclude<ManifestAnswer, { ok: true }>, auth: AuthUsed): ManifestResult {
  if ('failure' in answer) return { outcome: 'unreachable', step: 'registry', ...answer.failure };
  return ownError('registry', auth, answer.refused);
}
