/**
 * One request, start to end: parse what it is about, log it, apply injected latency and failures,
 * authenticate (401), serve discovery, authorize (403), then dispatch the verb to the resource handlers or the
 * watch hub. Every failure leaves as a Status object.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type AuthOptions } from './authentication.js';
import { isAllowed, type PolicyRule } from './authorization.js';
import { apiGroupDocument, apiGroupList, apiResourceList, coreApiVersions, type ServerVersion } from './discovery.js';
import { BodyTooLargeError, readBody, sendJson, sendStatus, sendText } from './http-io.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { ApiError, type ApiAnswer, type ResourceHandlers } from './resource-handlers.js';
import { findResourceType, type KubernetesVerb, type ResourceType } from './resource-types.js';
import {
  forbiddenStatus,
  methodNotAllowedStatus,
  pathNotFoundStatus,
  statusForCode,
  unauthorizedStatus,
  type StatusObject,
} from './status.js';
import type { WatchHub } from './watch-hub.js';

/** One request as the fake saw it: what RBAC-coverage checks and benchmarks look at. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Record<string, string>;
  verb: KubernetesVerb;
  /** Plural resource (`pods`, `leases`); '' for discovery and other non-resource URLs. */
  resource: string;
  apiGroup: string;
  isResourceRequest: boolean;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The authenticated user, once known. */
  user?: string;
  /** HTTP status of the answer (for watches: of the stream's headers). */
  status?: number;
}

/** An answer sent as is, whatever was asked: a proxy's HTML error page, a truncated body... */
export interface RawAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface RouterDependencies {
  handlers: ResourceHandlers;
  hub: WatchHub;
  auth: AuthOptions | undefined;
  version: ServerVersion;
  authorizationRules(): readonly PolicyRule[] | undefined;
  serverAddress(): string;
  record(request: RecordedRequest): void;
  /** A failure injected with failNext / answerNext that applies to this request, if any (consumes it). */
  takeInjectedFailure(request: RecordedRequest): StatusObject | RawAnswer | undefined;
  latencyMs(): number;
  delay(ms: number): Promise<void>;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true)$/i.test(value);
}

function recordOf(method: string, info: RequestInfo): RecordedRequest {
  const record: RecordedRequest = {
    method,
    path: info.path,
    query: info.query,
    verb: info.verb,
    resource: info.resource,
    apiGroup: info.apiGroup,
    isResourceRequest: info.isResourceRequest,
  };
  if (info.namespace !== undefined) record.namespace = info.namespace;
  if (info.name !== undefined) record.name = info.name;
  if (info.subresource !== undefined) record.subresource = info.subresource;
  return record;
}

export function createRouter(deps: RouterDependencies): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const serveNonResource = (info: RequestInfo, res: ServerResponse): void => {
    const parts = info.path.split('/').filter((p) => p !== '');
    let body: unknown;
    if (info.path === '/api' || info.path === '/api/') body = coreApiVersions(deps.serverAddress());
    else if (info.path === '/apis' || info.path === '/apis/') body = apiGroupList();
    else if (parts[0] === 'api' && parts.length === 2) body = apiResourceList('', parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 2) body = apiGroupDocument(parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 3) body = apiResourceList(parts[1]!, parts[2]!);
    else if (info.path === '/version') body = deps.version;
    else if (['/healthz', '/livez', '/readyz'].includes(info.path)) return sendText(res, 200, 'ok');
    if (body === undefined) {
      if (parts[0] === 'api' || parts[0] === 'apis') return sendStatus(res, pathNotFoundStatus());
      return sendText(res, 404, '404 page not found\n');
    }
    sendJson(res, 200, body);
  };

  const dispatch = async (
    type: ResourceType,
    info: RequestInfo,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<ApiAnswer | 'streaming'> => {
    const h = deps.handlers;
    switch (info.verb) {
      case 'get':
        return h.get(type, info, req.headers.accept);
      case 'list':
        return h.list(type, info, req.headers.accept);
      case 'watch': {
        const selection = h.filterFor(type, info);
        const filter =
          info.name === undefined ? selection : (o: Parameters<typeof selection>[0]) => o.metadata?.name === info.name && selection(o);
        const request: Parameters<WatchHub['serve']>[1] = {
          type,
          filter,
          allowWatchBookmarks: isTrue(info.query.allowWatchBookmarks),
          sendInitialEvents: isTrue(info.query.sendInitialEvents),
        };
        if (type.namespaced && info.namespace !== undefined) request.namespace = info.namespace;
        if (info.query.resourceVersion !== undefined) request.resourceVersion = info.query.resourceVersion;
        const timeout = Number(info.query.timeoutSeconds);
        if (Number.isFinite(timeout) && timeout > 0) request.timeoutSeconds = timeout;
        deps.hub.serve(res, request);
        return 'streaming';
      }
      case 'create':
        return h.create(type, info, await readBody(req));
      case 'update':
        return h.update(type, info, await readBody(req));
      case 'patch':
        return h.patch(type, info, await readBody(req), req.headers['content-type']);
      case 'delete':
        return h.delete(type, info);
      case 'deletecollection':
        return h.deleteCollection(type, info);
    }
  };

  return async (req, res) => {
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, new URL(req.url ?? '/', 'https://localhost'));
    const record = recordOf(method, info);
    deps.record(record);
    const finish = () => {
      record.status = res.statusCode;
    };
    try {
      const latency = deps.latencyMs();
      if (latency > 0) await deps.delay(latency);
      if (res.destroyed) return;

      const injected = deps.takeInjectedFailure(record);
      if (injected && 'kind' in injected) return sendStatus(res, injected);
      if (injected) {
        res.writeHead(injected.status, { 'Content-Length': Buffer.byteLength(injected.body), ...injected.headers });
        res.end(injected.body);
        return;
      }

      const user = authenticate(deps.auth, req);
      if (user === undefined) return sendStatus(res, unauthorizedStatus());
      record.user = user.name;

      if (!info.isResourceRequest) return serveNonResource(info, res);

      const type = findResourceType(info.apiGroup, info.apiVersion, info.resource);
      if (!type || info.subresource !== undefined) return sendStatus(res, pathNotFoundStatus());
      const needsName = ['get', 'update', 'patch', 'delete'].includes(info.verb);
      if (
        (needsName && info.name === undefined) ||
        (type.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb))
      ) {
        return sendStatus(res, info.verb === 'create' ? methodNotAllowedStatus() : pathNotFoundStatus());
      }
      if (!type.verbs.includes(info.verb)) return sendStatus(res, methodNotAllowedStatus());

      const attributes = { verb: info.verb, apiGroup: info.apiGroup, resource: info.resource } as Parameters<typeof isAllowed>[1];
      if (info.namespace !== undefined) attributes.namespace = info.namespace;
      if (info.name !== undefined) attributes.name = info.name;
      if (!isAllowed(deps.authorizationRules(), attributes)) {
        const forbidden: Parameters<typeof forbiddenStatus>[0] = {
          user: user.name,
          verb: info.verb,
          resource: { group: type.group, plural: type.plural },
        };
        if (info.namespace !== undefined) forbidden.namespace = info.namespace;
        if (info.name !== undefined) forbidden.name = info.name;
        return sendStatus(res, forbiddenStatus(forbidden));
      }

      const answer = await dispatch(type, info, req, res);
      if (answer !== 'streaming') sendJson(res, answer.code, answer.body);
    } catch (error) {
      if (error instanceof ApiError) sendStatus(res, error.status);
      else if (error instanceof BodyTooLargeError)
        sendStatus(res, { ...statusForCode(413, 'Request entity too large: limit is 3145728'), reason: 'RequestEntityTooLarge' });
      else sendStatus(res, statusForCode(500, error instanceof Error ? error.message : String(error)));
    } finally {
      finish();
    }
  };
}
