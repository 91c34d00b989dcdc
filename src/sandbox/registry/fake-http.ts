import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small helpers the fake registry hosts share. */

/** One request as the fake saw it; credentials are reduced to their scheme, secret form fields to `[present]`. */
export interface FakeRequestRecord {
  method: string;
  host: string;
  path: string;
  authorization: 'none' | 'basic' | 'bearer' | 'other';
  /** The form of a token request (grant_type, service, tenant, scope; secrets as `[present]`). */
  form?: Record<string, string>;
}

export type FakeHostHandler = (req: IncomingMessage, res: ServerResponse, url: URL, record: FakeRequestRecord) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A distribution-style error body: `{"errors":[{"code","message","detail"}]}`. */
export function sendErrors(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  detail: unknown = null,
): void {
  sendJson(res, status, { errors: [{ code, message, detail }] }, { 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers });
}

const MAX_FORM = 64 * 1024;

/** Reads an `application/x-www-form-urlencoded` body (capped); undefined when too large or of another type. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM) return undefined;
    chunks.push(chunk);
  }
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export type Presented = { scheme: 'bearer'; token: string } | { scheme: 'basic'; username: string; password: string } | undefined;

export function presentedAuth(req: IncomingMessage): Presented {
  const value = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  if (bearer) return { scheme: 'bearer', token: bearer[1]! };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** `/v2/<name>/manifests/<reference>` → name and reference. */
export function manifestRoute(pathname: string): { name: string; reference: string } | undefined {
  const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(pathname);
  return match ? { name: decodeURIComponent(match[1]!), reference: decodeURIComponent(match[2]!) } : undefined;
}

/** `/v2/<name>/tags/list` → name. */
export function tagsRoute(pathname: string): { name: string; tags: true } | undefined {
  const match = /^\/v2\/(.+)\/tags\/list$/.exec(pathname);
  return match ? { name: decodeURIComponent(match[1]!), tags: true } : undefined;
}

/**
 * Answers `GET /v2/<name>/tags/list` as distribution does: tags in lexical order, `n` limits a page, `last`
 * continues after a tag, and a `Link: <…>; rel="next"` header when there is more.
 */
export function serveTags(res: ServerResponse, url: URL, name: string, tags: readonly string[]): void {
  const n = Number(url.searchParams.get('n') ?? '');
  const last = url.searchParams.get('last');
  const sorted = [...tags].sort();
  const after = last === null ? sorted : sorted.filter((t) => t > last);
  const page = Number.isInteger(n) && n > 0 ? after.slice(0, n) : after;
  const headers: Record<string, string> = {};
  if (page.length < after.length) {
    headers.Link = `</v2/${name}/tags/list?last=${encodeURIComponent(page[page.length - 1]!)}&n=${n}>; rel="next"`;
  }
  sendJson(res, 200, { name, tags: page }, headers);
}

/** Parses `repository:<name>:<actions>` scopes. */
export function repositoryScopes(scopes: string[]): Array<{ name: string; actions: string[] }> {
  const out: Array<{ name: string; actions: string[] }> = [];
  for (const scope of scopes) {
    for (const one of scope.split(' ')) {
      const match = /^repository:([^:]+):(.+)$/.exec(one);
      if (match) out.push({ name: match[1]!, actions: match[2]!.split(',') });
    }
  }
  return out;
}

const SECRET_FIELDS = new Set(['access_token', 'refresh_token', 'password']);

/** A form with secret fields replaced by `[present]`, for request records. */
export function recordableForm(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) out[key] = SECRET_FIELDS.has(key) ? '[present]' : key in out ? `${out[key]} ${value}` : value;
  return out;
}
