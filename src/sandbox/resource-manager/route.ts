import type { FakeProviderNamespace } from './api-versions.js';
import type { FakeArmState } from './fake-state.js';

/** A request as the routes see it: path without query, the parsed URL, and the JSON body if any. */
export interface FakeArmHttpRequest {
  method: string;
  path: string;
  url: URL;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: FakeArmState;
  request: FakeArmHttpRequest;
  /** Base URL of the fake, for nextLink. */
  baseUrl: string;
  pageSize: number;
}

/** A matched route: what it needs checked before it runs (api-version, authorization), then the handler. */
export interface RouteMatch {
  namespace: FakeProviderNamespace;
  /** The Azure RBAC action ARM checks for this request. */
  action: string;
  /** The scope ARM checks the action over. */
  scope: string;
  /** The scope named in AuthorizationFailed when it differs (role assignment writes name the assignment id). */
  messageScope?: string;
  handle(context: RouteContext): Reply;
}

export type Route = (method: string, path: string) => RouteMatch | undefined;

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/**
 * One page of a list: `{ value, nextLink }` with an opaque `$skipToken` like ARM's. Other query parameters
 * (api-version, $filter) are kept in the nextLink.
 */
export function page(items: unknown[], context: RouteContext): Reply {
  const token = context.request.url.searchParams.get('$skipToken');
  const offset = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
  const start = Number.isInteger(offset) && offset > 0 ? offset : 0;
  const value = items.slice(start, start + context.pageSize);
  const body: { value: unknown[]; nextLink?: string } = { value };
  if (start + context.pageSize < items.length) {
    const next = new URL(context.request.path, context.baseUrl);
    for (const [k, v] of context.request.url.searchParams) if (k !== '$skipToken') next.searchParams.set(k, v);
    next.searchParams.set('$skipToken', Buffer.from(`offset:${start + context.pageSize}`, 'utf8').toString('base64url'));
    body.nextLink = next.toString();
  }
  return json(200, body);
}
