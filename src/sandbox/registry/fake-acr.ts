import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RepositoryContent } from './sample-image.js';
import type { FakeHostHandler, FakeRequestRecord } from './fake-http.js';
import { findManifest } from './sample-image.js';
import {
  manifestRoute,
  serveTags,
  tagsRoute,
  presentedAuth,
  readForm,
  recordableForm,
  repositoryScopes,
  sendErrors,
  sendJson,
} from './fake-http.js';
import { serveManifest } from './sample-image.js';
import { TokenIssuer, type Grant } from './token-issuer.js';
import { readEntraClaims } from './entra-token.js';

/**
 * A fake Azure Container Registry speaking ACR's documented protocol (Azure/acr docs/AAD-OAuth.md):
 * `/v2/` answers 401 with `Bearer realm="https://<name>.azurecr.io/oauth2/token",service="<name>.azurecr.io"`;
 * `POST /oauth2/exchange` turns an Entra access token into an ACR refresh token; `/oauth2/token` (POST with a
 * refresh token or password, GET anonymously or with Basic) issues access tokens; manifests by tag and digest.
 *
 * Who may pull is decided by `pullers`: the Entra object ids (`oid` claim) holding AcrPull. Entra tokens are
 * only parsed, never signature-checked (see entra-token.ts). Options are read on every request, so a test can
 * change `pullers`, `firewall` or `rateLimit` between calls.
 */
export interface FakeAcrOptions {
  /** Registry name: the host is `<name>.azurecr.io`. */
  name: string;
  /** Entra object ids allowed to pull (the identity "has AcrPull"). */
  pullers: Set<string>;
  /** The registry's tenant: an exchange for an identity of another tenant is refused. */
  tenantId?: string;
  /** Anonymous pull enabled (Standard/Premium feature). */
  anonymousPull?: boolean;
  /** Admin user or token credentials accepted with Basic auth / `grant_type=password` at /oauth2/token. */
  basicUsers?: Array<{ username: string; password: string }>;
  /** Public network rules: requests from other IPs get 403 DENIED. `clientIp` is the IP the registry sees. */
  firewall?: { allowedIps: string[]; clientIp?: string };
  /** Throttling: every manifest request gets 429 TOOMANYREQUESTS with this Retry-After. */
  rateLimit?: { retryAfterSeconds: number };
  repositories: Record<string, RepositoryContent>;
}

export const ACR_NULL_USERNAME = '00000000-0000-0000-0000-000000000000';
const AUTH_REQUIRED = 'authentication required, visit https://aka.ms/acr/authorization for more information.';
const ENTRA_AUDIENCES = new Set([
  'https://management.azure.com',
  'https://management.azure.com/',
  'https://management.core.windows.net/',
  'https://containerregistry.azure.net',
]);

export function acrHost(options: FakeAcrOptions): { host: string; issuer: TokenIssuer; handle: FakeHostHandler } {
  const host = `${options.name}.azurecr.io`;
  const issuer = new TokenIssuer('Azure Container Registry', host);
  const challenge = (scope?: string) =>
    `Bearer realm="https://${host}/oauth2/token",service="${host}"${scope === undefined ? '' : `,scope="${scope}"`}`;
  const unauthorized = (res: ServerResponse, scope?: string, error?: string) =>
    sendErrors(res, 401, 'UNAUTHORIZED', AUTH_REQUIRED, { 'WWW-Authenticate': `${challenge(scope)}${error ? `,error="${error}"` : ''}` });

  const pullGrant = (subject: string, scopes: string[], tenant?: string): string | undefined => {
    const access = repositoryScopes(scopes)
      .map((s) => ({ type: 'repository' as const, name: s.name, actions: s.actions.filter((a) => a === 'pull') }))
      .filter((s) => s.actions.length > 0);
    if (access.length === 0) return undefined;
    return issuer.issue({ kind: 'access', subject, ...(tenant === undefined ? {} : { tenant }), access });
  };
  const basicUser = (username: string, password: string) =>
    options.basicUsers?.some((u) => u.username === username && u.password === password) ?? false;

  async function exchange(req: IncomingMessage, res: ServerResponse, record: FakeRequestRecord): Promise<void> {
    const form = await readForm(req);
    if (form) record.form = recordableForm(form);
    if (!form) return sendErrors(res, 400, 'BAD_REQUEST', 'the body must be application/x-www-form-urlencoded');
    if (form.get('grant_type') !== 'access_token') return sendErrors(res, 400, 'UNSUPPORTED_GRANT_TYPE', 'grant_type must be access_token');
    if (form.get('service') !== host) return sendErrors(res, 400, 'BAD_REQUEST', `service must be ${host}`);
    const claims = readEntraClaims(form.get('access_token') ?? '');
    if (!claims) return sendErrors(res, 401, 'UNAUTHORIZED', 'the access token is not a valid Entra ID token');
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now())
      return sendErrors(res, 401, 'UNAUTHORIZED', 'the Entra ID access token has expired');
    if (typeof claims.aud === 'string' && !ENTRA_AUDIENCES.has(claims.aud))
      return sendErrors(res, 401, 'UNAUTHORIZED', `the Entra ID access token is for another audience (${claims.aud})`);
    const tenant = form.get('tenant');
    if (tenant !== null && tenant !== claims.tid) return sendErrors(res, 401, 'UNAUTHORIZED', 'the tenant does not match the access token');
    if (options.tenantId !== undefined && claims.tid !== options.tenantId)
      return sendErrors(res, 401, 'UNAUTHORIZED', `the identity's tenant cannot access this registry`);
    sendJson(res, 200, { refresh_token: issuer.issue({ kind: 'refresh', subject: claims.oid, tenant: claims.tid, access: [] }, 3 * 3600) });
  }

  async function token(req: IncomingMessage, res: ServerResponse, url: URL, record: FakeRequestRecord): Promise<void> {
    if (req.method === 'POST') {
      const form = await readForm(req);
      if (form) record.form = recordableForm(form);
      if (!form) return sendErrors(res, 400, 'BAD_REQUEST', 'the body must be application/x-www-form-urlencoded');
      if (form.get('service') !== host) return sendErrors(res, 400, 'BAD_REQUEST', `service must be ${host}`);
      const scopes = form.getAll('scope');
      let grant: Grant | undefined;
      if (form.get('grant_type') === 'refresh_token') {
        grant = issuer.lookup(form.get('refresh_token') ?? '', 'refresh');
        if (!grant) return sendErrors(res, 401, 'UNAUTHORIZED', 'the refresh token is invalid or expired');
        const issued = options.pullers.has(grant.subject) ? pullGrant(grant.subject, scopes, grant.tenant) : undefined;
        return issued ? sendJson(res, 200, { access_token: issued }) : sendErrors(res, 401, 'UNAUTHORIZED', AUTH_REQUIRED);
      }
      if (form.get('grant_type') === 'password') {
        const username = form.get('username') ?? '';
        const issued = basicUser(username, form.get('password') ?? '') ? pullGrant(username, scopes) : undefined;
        return issued ? sendJson(res, 200, { access_token: issued }) : sendErrors(res, 401, 'UNAUTHORIZED', AUTH_REQUIRED);
      }
      return sendErrors(res, 400, 'UNSUPPORTED_GRANT_TYPE', 'grant_type must be refresh_token or password');
    }
    if (req.method !== 'GET') return sendErrors(res, 405, 'UNSUPPORTED', 'method not allowed');
    if (url.searchParams.get('service') !== host) return sendErrors(res, 400, 'BAD_REQUEST', `service must be ${host}`);
    const scopes = url.searchParams.getAll('scope');
    const presented = presentedAuth(req);
    let subject: string | undefined;
    if (presented === undefined && options.anonymousPull) subject = '$anonymous';
    if (presented?.scheme === 'basic') {
      const refresh = presented.username === ACR_NULL_USERNAME ? issuer.lookup(presented.password, 'refresh') : undefined;
      if (refresh && options.pullers.has(refresh.subject)) subject = refresh.subject;
      else if (basicUser(presented.username, presented.password)) subject = presented.username;
    }
    const issued = subject === undefined ? undefined : pullGrant(subject, scopes);
    return issued ? sendJson(res, 200, { access_token: issued }) : sendErrors(res, 401, 'UNAUTHORIZED', AUTH_REQUIRED);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, record: FakeRequestRecord): Promise<void> {
    const firewall = options.firewall;
    if (firewall) {
      const clientIp = firewall.clientIp ?? req.socket.remoteAddress ?? '';
      if (!firewall.allowedIps.includes(clientIp)) {
        return sendErrors(
          res,
          403,
          'DENIED',
          `client with IP '${clientIp}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.`,
        );
      }
    }
    if (url.pathname === '/oauth2/exchange' && req.method === 'POST') return exchange(req, res, record);
    if (url.pathname === '/oauth2/token') return token(req, res, url, record);
    const presented = presentedAuth(req);
    const grant = presented?.scheme === 'bearer' ? issuer.lookup(presented.token, 'access') : undefined;
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      if (!grant) return unauthorized(res);
      return sendJson(res, 200, {}, { 'Docker-Distribution-Api-Version': 'registry/2.0' });
    }
    // A manifest by tag or digest, or the repository's tags (pulling grants both, as in distribution).
    const route = manifestRoute(url.pathname) ?? tagsRoute(url.pathname);
    if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) return sendErrors(res, 404, 'NOT_FOUND', 'not found');
    if (options.rateLimit) {
      return sendErrors(res, 429, 'TOOMANYREQUESTS', 'too many requests, please retry after some time', {
        'Retry-After': String(options.rateLimit.retryAfterSeconds),
      });
    }
    const scope = `repository:${route.name}:pull`;
    if (!grant) return unauthorized(res, scope);
    if (!grant.access.some((a) => a.name === route.name && a.actions.includes('pull')))
      return unauthorized(res, scope, 'insufficient_scope');
    const repository = options.repositories[route.name];
    if (!repository) return sendErrors(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', {}, { name: route.name });
    if ('tags' in route) return serveTags(res, url, route.name, Object.keys(repository.tags));
    const manifest = findManifest(repository, route.reference);
    if (!manifest) {
      return sendErrors(res, 404, 'MANIFEST_UNKNOWN', `manifest tagged by "${route.reference}" is not found`, {}, { Tag: route.reference });
    }
    serveManifest(req, res, manifest);
  }

  return { host, issuer, handle };
}
