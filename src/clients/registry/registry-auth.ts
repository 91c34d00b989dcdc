/**
 * How the registry client signs in, as a runtime would, and where credentials may go: the Bearer token flows
 * (anonymous, Basic at the token realm, ACR's Entra exchange), Basic answers to a Basic challenge, and the
 * results for answers that refuse us, with the registry's own error body summarised without secrets.
 */
import { isIP } from 'node:net';
import { isPullDoctorError } from '../../errors/index.js';
import { ExpiringMap } from '../azure/azure-cache.js';
import { redactText } from '../../logging/redact.js';
import type {
  AadTokenProvider,
  AuthChallenge,
  AuthStep,
  AuthUsed,
  ManifestResult,
  RegistryCredential,
  RegistryErrorSummary,
} from './registry-client.js';
import { endpointOfUrl, type HttpsAnswer, type RegistryEndpoint, type RegistryHttp } from './registry-https.js';

/**
 * Where a credential may go. The rules (a request that would break one is not sent; the result says why):
 *
 * 1. Nothing secret travels over anything but https (realms and redirects to http are refused).
 * 2. A bearer token, and Basic credentials answering a Basic challenge, go only to the registry endpoint
 *    (same host and port) they were meant for. A redirect to another endpoint is followed without them.
 * 3. Basic credentials for a Bearer challenge go to the token realm only when the realm is on the registry host,
 *    or on a sibling/parent host of the same organisation's domain (`registry-1.docker.io` → `auth.docker.io`,
 *    `registry.gitlab.com` → `gitlab.com`). Multi-tenant domains where every customer has a subdomain
 *    (`*.azurecr.io`, ...) only count as "the same host".
 * 4. The tool's own Entra token (an Azure Resource Manager credential) goes only to `/oauth2/exchange` on the
 *    registry host itself, and only when the registry named a realm on that same host (as ACR does), or the host is
 *    an ACR login server (`*.azurecr.io`, operated by Azure, whose realm is always `https://<host>/oauth2/token`).
 */

/** Domains whose subdomains belong to different customers: a sibling there is a stranger. */
const MULTI_TENANT_PARENTS = new Set([
  'azurecr.io',
  'azurecr.cn',
  'azurecr.us',
  'azurecr.de',
  'jfrog.io',
  'cloudfront.net',
  'herokuapp.com',
  'github.io',
  'azurewebsites.net',
  'appspot.com',
  'ngrok.io',
  'ngrok-free.app',
  'trycloudflare.com',
  'workers.dev',
  'pages.dev',
  'netlify.app',
  'vercel.app',
  'onrender.com',
  'fly.dev',
]);

export function sameEndpoint(a: RegistryEndpoint, b: RegistryEndpoint): boolean {
  return a.host === b.host && a.port === b.port;
}

/** Rule 3: may Basic credentials for `registry` be sent to the token `realm`? */
export function realmMayReceiveBasic(registry: RegistryEndpoint, realm: URL): boolean {
  if (realm.protocol !== 'https:') return false;
  const realmHost = endpointOfUrl(realm).host;
  if (realmHost === registry.host) return true;
  if (isIP(registry.host) !== 0 || isIP(realmHost) !== 0) return false;
  const labels = registry.host.split('.');
  if (labels.length < 3) return false;
  const parent = labels.slice(1).join('.');
  if (MULTI_TENANT_PARENTS.has(parent)) return false;
  return realmHost === parent || realmHost.endsWith(`.${parent}`);
}

/** Rule 4: may the Entra token be exchanged at this realm for this registry? */
export function realmMayReceiveEntraToken(registry: RegistryEndpoint, realm: URL): boolean {
  return realm.protocol === 'https:' && sameEndpoint(endpointOfUrl(realm), registry);
}

export type TokenOutcome = { ok: true; token: string; cached?: boolean } | { ok: false; result: ManifestResult };

/** ACR tokens are kept until a minute before their `exp`; a token without a readable `exp` is not kept. */
const ACR_TOKEN_MARGIN_MS = 60_000;

/**
 * The tool's own ACR tokens, kept for their lifetime by the registry client (one per bot process): the refresh token
 * per registry (from `/oauth2/exchange`) and the access token per registry and scopes (from `/oauth2/token`), so a
 * repeated check costs one manifest request. Bounded; in memory only; never logged.
 */
export class AcrTokens {
  private readonly refresh: ExpiringMap<string>;
  private readonly access: ExpiringMap<string>;

  constructor(
    maxEntries = 256,
    private readonly now: () => number = Date.now,
  ) {
    this.refresh = new ExpiringMap(maxEntries, now);
    this.access = new ExpiringMap(maxEntries, now);
  }

  refreshToken(service: string): string | undefined {
    return this.refresh.get(service);
  }

  accessToken(service: string, scopes: string[]): string | undefined {
    return this.access.get(accessKey(service, scopes));
  }

  remember(kind: 'refresh' | 'access', service: string, token: string, scopes: string[] = []): void {
    const exp = jwtClaims(token)?.exp;
    const ttl = typeof exp === 'number' ? exp * 1000 - ACR_TOKEN_MARGIN_MS - this.now() : 0;
    if (ttl <= 0) return;
    if (kind === 'refresh') this.refresh.set(service, token, ttl);
    else this.access.set(accessKey(service, scopes), token, ttl);
  }

  /** After the registry refused a kept token: forget what was kept for that registry. */
  forget(service: string, scopes: string[]): void {
    this.refresh.delete(service);
    this.access.delete(accessKey(service, scopes));
  }
}

function accessKey(service: string, scopes: string[]): string {
  return `${service}\u0000${[...scopes].sort().join(' ')}`;
}

/**
 * Gets a pull token for `repository` from the realm of a Bearer challenge, as the runtime would:
 * - anonymous: `GET realm?service=&scope=repository:<repo>:pull` without credentials;
 * - basic: the same GET with Basic credentials (only to a realm allowed by realmMayReceiveBasic);
 * - azure-ad: ACR's `/oauth2/exchange` then `/oauth2/token` (acrAccessToken).
 */
export async function fetchBearerToken(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  challenge: AuthChallenge,
  repository: string,
  credential: RegistryCredential,
  aadToken: AadTokenProvider | undefined,
  acrTokens?: AcrTokens,
): Promise<TokenOutcome> {
  const sent = credential.kind === 'basic' ? 'basic' : credential.kind === 'azure-ad' ? 'bearer' : 'none';
  let realm: URL;
  try {
    realm = new URL(challenge.realm ?? '');
  } catch {
    return { ok: false, result: ownError('token', 'none', 'the registry sent a Bearer challenge without a valid realm URL', 401) };
  }
  if (realm.protocol !== 'https:') {
    return {
      ok: false,
      result: ownError('token', 'none', `the token realm ${realm.protocol}//${realm.host} is not https; not contacted`, 401),
    };
  }
  const scopes = [...new Set([`repository:${repository}:pull`, ...(challenge.scope ? [challenge.scope] : [])])];

  if (credential.kind === 'azure-ad') {
    return acrAccessToken(http, registry, realm, challenge.service ?? registry.host, scopes, aadToken, acrTokens);
  }

  const headers: Record<string, string> = {};
  if (credential.kind === 'basic') {
    if (!realmMayReceiveBasic(registry, realm)) {
      return {
        ok: false,
        result: ownError(
          'token',
          'none',
          `the token realm ${realm.host} is not on the registry's domain; the credentials from ${credential.source} were not sent there`,
          401,
        ),
      };
    }
    headers.Authorization = basicAuthorization(credential.username, credential.password);
  }
  const url = new URL(realm);
  if (challenge.service !== undefined) url.searchParams.append('service', challenge.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const outcome = await http.send({ method: 'GET', url, headers });
  if (!outcome.ok) return { ok: false, result: { outcome: 'unreachable', step: 'token', ...outcome.failure } };
  if (outcome.answer.status !== 200) return { ok: false, result: refusal(outcome.answer, 'token', sent) };
  const token = tokenField(outcome.answer.body, 'token');
  if (token === undefined) return { ok: false, result: ownError('token', sent, 'the token endpoint answered 200 without a token', 200) };
  return { ok: true, token };
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/**
 * Azure Container Registry's documented AAD flow (Azure/acr docs/AAD-OAuth.md; what `az acr login` does):
 *   1. POST https://<registry>/oauth2/exchange
 *        grant_type=access_token&service=<service>&tenant=<tenant>&access_token=<Entra token>  → {"refresh_token"}
 *   2. POST <realm, i.e. https://<registry>/oauth2/token>
 *        grant_type=refresh_token&service=<service>&scope=<scope>&refresh_token=<ACR refresh token> → {"access_token"}
 * A 401 at step 2 after a successful step 1 is how ACR says "signed in, but no pull permission".
 */
async function acrAccessToken(
  http: RegistryHttp,
  registry: RegistryEndpoint,
  realm: URL,
  service: string,
  scopes: string[],
  aadToken: AadTokenProvider | undefined,
  kept: AcrTokens = new AcrTokens(),
): Promise<TokenOutcome> {
  if (aadToken === undefined) {
    return {
      ok: false,
      result: ownError('exchange', 'none', 'no Entra token provider is configured, so the azure-ad credential cannot be checked'),
    };
  }
  if (!realmMayReceiveEntraToken(registry, realm)) {
    return {
      ok: false,
      result: ownError(
        'exchange',
        'none',
        `the token realm ${realm.host} is not the registry host ${registry.host}; the Entra token was not sent`,
        401,
      ),
    };
  }
  const keptAccess = kept.accessToken(service, scopes);
  if (keptAccess !== undefined) return { ok: true, token: keptAccess, cached: true };
  let refreshToken = kept.refreshToken(service);
  if (refreshToken === undefined) {
    let aad: { token: string; tenantId?: string };
    try {
      aad = await aadToken();
    } catch (error) {
      const why = isPullDoctorError(error) ? `: ${redactText(error.message).slice(0, 300)}` : '';
      return { ok: false, result: ownError('exchange', 'none', `could not get an Entra token for Pull Doctor's identity${why}`) };
    }
    const tenant = aad.tenantId ?? tenantClaim(aad.token);
    const exchangeForm = new URLSearchParams({ grant_type: 'access_token', service });
    if (tenant !== undefined) exchangeForm.set('tenant', tenant);
    exchangeForm.set('access_token', aad.token);
    const exchanged = await http.send({
      method: 'POST',
      url: new URL('/oauth2/exchange', realm.origin),
      headers: FORM,
      body: exchangeForm.toString(),
    });
    if (!exchanged.ok) return { ok: false, result: { outcome: 'unreachable', step: 'exchange', ...exchanged.failure } };
    if (exchanged.answer.status !== 200) return { ok: false, result: refusal(exchanged.answer, 'exchange', 'bearer') };
    refreshToken = tokenField(exchanged.answer.body, 'refresh_token');
    if (refreshToken === undefined)
      return { ok: false, result: ownError('exchange', 'bearer', '/oauth2/exchange answered 200 without a refresh_token', 200) };
    kept.remember('refresh', service, refreshToken);
  }

  const tokenForm = new URLSearchParams({ grant_type: 'refresh_token', service });
  for (const scope of scopes) tokenForm.append('scope', scope);
  tokenForm.set('refresh_token', refreshToken);
  const issued = await http.send({ method: 'POST', url: realm, headers: FORM, body: tokenForm.toString() });
  if (!issued.ok) return { ok: false, result: { outcome: 'unreachable', step: 'token', ...issued.failure } };
  if (issued.answer.status !== 200) return { ok: false, result: refusal(issued.answer, 'token', 'bearer') };
  const accessToken = tokenField(issued.answer.body, 'token');
  if (accessToken === undefined)
    return { ok: false, result: ownError('token', 'bearer', '/oauth2/token answered 200 without an access_token', 200) };
  kept.remember('access', service, accessToken, scopes);
  return { ok: true, token: accessToken };
}

/** The claims of a JWT-shaped token, read without verification (a tenant to name, an expiry to keep it until). */
function jwtClaims(token: string): { tid?: unknown; exp?: unknown } | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The `tid` claim of a JWT-shaped Entra token (only to name the tenant to ACR). */
function tenantClaim(token: string): string | undefined {
  const tid = jwtClaims(token)?.tid;
  return typeof tid === 'string' && /^[0-9a-fA-F-]{36}$/.test(tid) ? tid : undefined;
}

/** `Authorization: Basic base64(user:password)` (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The result for a registry or token-endpoint answer that refused us (any non-success status). */
export function refusal(answer: HttpsAnswer, step: AuthStep, auth: AuthUsed, message?: string): ManifestResult {
  const errors = parseRegistryErrors(answer.body);
  const base = { status: answer.status, errors, step, auth, ...(message === undefined ? {} : { message }) };
  switch (answer.status) {
    case 401:
      return { outcome: 'unauthorized', ...base };
    case 403:
      return { outcome: 'forbidden', ...base };
    case 429: {
      const retryAfter = header(answer, 'retry-after');
      return { outcome: 'rate-limited', ...base, ...(retryAfter === undefined ? {} : { retryAfter: retryAfter.slice(0, 64) }) };
    }
    default:
      return { outcome: 'error', ...base, message: message ?? `${stepName(step)} answered HTTP ${answer.status}` };
  }
}

/** A failure we decided on ourselves (nothing was sent, or the answer made no sense). */
export function ownError(step: AuthStep, auth: AuthUsed, message: string, status = 0): ManifestResult {
  return { outcome: 'error', status, errors: [], step, auth, message };
}

export function header(answer: HttpsAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function stepName(step: AuthStep): string {
  return { registry: 'the registry', token: 'the token endpoint', exchange: 'the /oauth2/exchange endpoint' }[step];
}

/** Reads `{"token"}` / `{"access_token"}` (distribution token spec) or `{"refresh_token"}` (ACR exchange). */
function tokenField(body: string, field: 'token' | 'refresh_token'): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const candidates = field === 'token' ? [record.token, record.access_token] : [record.refresh_token];
  return candidates.find((v): v is string => typeof v === 'string' && v.length > 0);
}

const MAX_ENTRIES = 10;
const MAX_CODE = 64;
const MAX_MESSAGE = 300;

/**
 * Summarises an error body from a registry or its token endpoint. Understands the distribution format
 * `{"errors":[{"code","message","detail"}]}`, OAuth2 `{"error","error_description"}` and Docker Hub's token
 * endpoint `{"details":"..."}`. Anything else (HTML, truncated or hostile JSON) yields `[]`. Details are dropped,
 * entries capped, strings truncated and scrubbed of anything that looks like a credential.
 */
export function parseRegistryErrors(body: string): RegistryErrorSummary[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  if (Array.isArray(parsed.errors)) {
    return parsed.errors
      .filter(isRecord)
      .slice(0, MAX_ENTRIES)
      .map((e) => summary(typeof e.code === 'string' ? e.code : 'UNKNOWN', typeof e.message === 'string' ? e.message : ''));
  }
  if (typeof parsed.error === 'string') {
    return [summary(parsed.error, typeof parsed.error_description === 'string' ? parsed.error_description : '')];
  }
  if (typeof parsed.details === 'string') return [summary('UNKNOWN', parsed.details)];
  return [];
}

function summary(code: string, message: string): RegistryErrorSummary {
  return { code: clip(redactText(code), MAX_CODE), message: clip(redactText(message), MAX_MESSAGE) };
}

function clip(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
