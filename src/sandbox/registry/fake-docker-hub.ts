import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RepositoryContent } from './sample-image.js';
import { findManifest } from './sample-image.js';
import type { FakeHostHandler } from './fake-http.js';
import { manifestRoute, serveTags, tagsRoute, presentedAuth, repositoryScopes, sendErrors, sendJson } from './fake-http.js';
import { serveManifest } from './sample-image.js';
import { TokenIssuer } from './token-issuer.js';

/**
 * A Docker Hub-like registry: the API at `registry-1.docker.io`, tokens from `https://auth.docker.io/token`
 * (service `registry.docker.io`). The token server hands out a token to anyone (empty access for repositories the
 * caller may not pull); the registry then answers 401 with `error="insufficient_scope"`, as Docker Hub does for
 * private or missing repositories. Options are read on every request.
 */
export interface FakeDockerHubOptions {
  users?: Array<{ username: string; password: string }>;
  /** Repositories by full name (`library/nginx`). */
  repositories: Record<string, RepositoryContent>;
  /** Private repositories and the users who may pull them. */
  privateRepositories?: Record<string, string[]>;
  rateLimit?: { retryAfterSeconds: number };
}

export const DOCKER_HUB_REGISTRY_HOST = 'registry-1.docker.io';
export const DOCKER_HUB_AUTH_HOST = 'auth.docker.io';
const SERVICE = 'registry.docker.io';

export function dockerHubHosts(options: FakeDockerHubOptions): { issuer: TokenIssuer; registry: Handler; auth: Handler } {
  const issuer = new TokenIssuer('auth.docker.io', SERVICE);
  const challenge = (scope?: string, error?: string) =>
    `Bearer realm="https://${DOCKER_HUB_AUTH_HOST}/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`;

  const mayPull = (name: string, user: string | undefined) => {
    if (!options.repositories[name]) return false;
    const readers = options.privateRepositories?.[name];
    return readers === undefined || (user !== undefined && readers.includes(user));
  };

  async function auth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname !== '/token' || req.method !== 'GET') return sendJson(res, 404, { details: 'not found' });
    if (url.searchParams.get('service') !== SERVICE) return sendJson(res, 400, { details: 'invalid service' });
    const presented = presentedAuth(req);
    let user: string | undefined;
    if (presented?.scheme === 'basic') {
      if (!options.users?.some((u) => u.username === presented.username && u.password === presented.password)) {
        return sendJson(res, 401, { details: 'incorrect username or password' });
      }
      user = presented.username;
    }
    const access = repositoryScopes(url.searchParams.getAll('scope')).map((s) => ({
      type: 'repository' as const,
      name: s.name,
      actions: s.actions.filter((a) => a === 'pull' && mayPull(s.name, user)),
    }));
    const token = issuer.issue({ kind: 'access', subject: user ?? '', access }, 300);
    sendJson(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  async function registry(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const presented = presentedAuth(req);
    const grant = presented?.scheme === 'bearer' ? issuer.lookup(presented.token, 'access') : undefined;
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (!grant) return sendErrors(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': challenge() });
      return sendJson(res, 200, {}, { 'Docker-Distribution-Api-Version': 'registry/2.0' });
    }
    // A manifest by tag or digest, or the repository's tags (pulling grants both, as in distribution).
    const route = manifestRoute(url.pathname) ?? tagsRoute(url.pathname);
    if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) return sendErrors(res, 404, 'NOT_FOUND', 'not found');
    if (options.rateLimit) {
      return sendErrors(
        res,
        429,
        'TOOMANYREQUESTS',
        'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
        {
          'Retry-After': String(options.rateLimit.retryAfterSeconds),
        },
      );
    }
    const scope = `repository:${route.name}:pull`;
    if (!grant) return sendErrors(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': challenge(scope) });
    if (!grant.access.some((a) => a.name === route.name && a.actions.includes('pull'))) {
      return sendErrors(
        res,
        401,
        'UNAUTHORIZED',
        'authentication required',
        { 'WWW-Authenticate': challenge(scope, 'insufficient_scope') },
        [{ Type: 'repository', Class: '', Name: route.name, Action: 'pull' }],
      );
    }
    if ('tags' in route) return serveTags(res, url, route.name, Object.keys(options.repositories[route.name]!.tags));
    const manifest = findManifest(options.repositories[route.name]!, route.reference);
    if (!manifest) return sendErrors(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', {}, `unknown tag=${route.reference}`);
    serveManifest(req, res, manifest);
  }

  return { issuer, registry, auth };
}

type Handler = FakeHostHandler;
