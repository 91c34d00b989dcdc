import type { FakeArmState } from './fake-state.js';

/**
 * The api-versions the fake accepts, per resource provider: exactly what the pinned SDKs send, so a dependency
 * upgrade that changes the wire version fails loudly instead of talking to payload shapes of another version.
 *
 * - @azure/arm-containerservice 24.1.0: `apiVersion = options.apiVersion || "2025-10-01"` (containerServiceClient.js)
 * - @azure/arm-containerregistry 12.0.0: `options.apiVersion ?? "2025-11-01"` (containerRegistryManagementContext.js)
 * - @azure/arm-authorization 9.0.0: roleAssignments and roleDefinitions use the `apiVersion1` parameter,
 *   `defaultValue: "2022-04-01"` (dist/index.js); other operation groups of that package use other versions and
 *   have no routes here.
 * - @azure/arm-resourcegraph 5.0.0-beta.4: `this.apiVersion = options.apiVersion || "2021-06-01-preview"`
 *   (resourceGraphClient.js).
 */
export const SUPPORTED_API_VERSIONS = {
  'Microsoft.ContainerService': ['2025-10-01'],
  'Microsoft.ContainerRegistry': ['2025-11-01'],
  'Microsoft.Authorization': ['2022-04-01'],
  'Microsoft.ResourceGraph': ['2021-06-01-preview'],
} as const satisfies Record<string, readonly string[]>;

export type FakeProviderNamespace = keyof typeof SUPPORTED_API_VERSIONS;

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
  /** Whether the caller may perform `action` at `scope` (no forbid() rule covers it). */
  canRead(action: string, scope: string): boolean;
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
  /** The 403 this service sends instead of ARM's AuthorizationFailed (Resource Graph's AccessDenied). */
  forbidden?: () => Reply;
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
  const offset =
    token === null
      ? 0
      : Number(
          Buffer.from(token, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        );
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
