import type { ConnectionFailure } from './registry-client.js';
import type { HttpsAnswer } from './https-request.js';
import type { RegistryHttp } from './registry-http.js';
import { endpointOfUrl, type RegistryEndpoint } from './registry-endpoint.js';
import { sameEndpoint } from './credential-destinations.js';
import { MANIFEST_ACCEPT } from './media-types.js';

export type ManifestAnswer =
  | { ok: true; answer: HttpsAnswer }
  | { ok: false; failure: ConnectionFailure }
  | { ok: false; refused: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/**
 * A manifest request with the runtime's `Accept` list. Redirects are followed (at most three) only to https;
 * the Authorization header goes only to the registry endpoint itself, never to a host it redirects to.
 */
export async function requestManifest(
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
    if (hop >= MAX_REDIRECTS) return { ok: false, refused: `the registry redirected more than ${MAX_REDIRECTS} times; not followed further` };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { ok: false, refused: `the registry answered ${answer.status} with an invalid Location; not followed` };
    }
    if (next.protocol !== 'https:') {
      return { ok: false, refused: `the registry redirected to a ${next.protocol.replace(':', '')} URL on ${next.host}; only https redirects are followed` };
    }
    url = next;
  }
}
