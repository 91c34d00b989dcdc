/**
 * What a request is about, derived from its method and path like k8s.io/apiserver's RequestInfoFactory:
 * `/api/v1/namespaces/shop/pods/web-1` is a `get` of `pods` named `web-1` in namespace `shop`;
 * `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?watch=true` is a `watch` of `leases`.
 */
import type { KubernetesVerb } from './resource-types.js';

export interface RequestInfo {
  /** False for discovery, /version, health checks and other non-resource URLs. */
  isResourceRequest: boolean;
  verb: KubernetesVerb;
  apiGroup: string;
  apiVersion: string;
  /** Plural resource name, '' for non-resource URLs. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path: string;
  query: Record<string, string>;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true)$/i.test(value);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const query = Object.fromEntries(url.searchParams.entries());
  const path = url.pathname;
  const nonResource = (): RequestInfo => ({
    isResourceRequest: false,
    verb: method === 'GET' || method === 'HEAD' ? 'get' : (method.toLowerCase() as KubernetesVerb),
    apiGroup: '',
    apiVersion: '',
    resource: '',
    path,
    query,
  });

  let parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeSegment);
  let apiGroup: string;
  let apiVersion: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource();
    apiGroup = '';
    apiVersion = parts[1]!;
    parts = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource();
    apiGroup = parts[1]!;
    apiVersion = parts[2]!;
    parts = parts.slice(3);
  } else {
    return nonResource();
  }

  let legacyWatch = false;
  if (parts[0] === 'watch') {
    legacyWatch = true;
    parts = parts.slice(1);
  }

  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }

  const resource = parts[0] ?? '';
  const name = parts[1];
  const subresource = parts[2];

  let verb: KubernetesVerb;
  switch (method) {
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = legacyWatch || isTrue(query.watch) ? 'watch' : name === undefined ? 'list' : 'get';
  }

  const info: RequestInfo = { isResourceRequest: true, verb, apiGroup, apiVersion, resource, path, query };
  if (subresource !== undefined) info.subresource = subresource;
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  return info;
}
