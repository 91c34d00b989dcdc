/**
 * `Status` objects exactly as kube-apiserver writes them for failures (k8s.io/apimachinery/pkg/api/errors).
 * Messages follow the real wording so that clients and humans see what they would see against AKS.
 */

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The resource a status talks about: `pods` or `leases` in group `coordination.k8s.io`. */
export interface StatusResource {
  group: string;
  plural: string;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusObject {
  const status: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) status.details = details;
  return status;
}

/** `pods` or `leases.coordination.k8s.io`, as the API server names a resource in messages. */
export function qualifiedResource(resource: StatusResource): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

function detailsFor(resource: StatusResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined && name !== '') details.name = name;
  if (resource.group !== '') details.group = resource.group;
  details.kind = resource.plural;
  return details;
}

export function notFoundStatus(resource: StatusResource, name: string): StatusObject {
  return failure(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`, detailsFor(resource, name));
}

/** A path the server does not serve (an unknown resource or group version). */
export function pathNotFoundStatus(): StatusObject {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExistsStatus(resource: StatusResource, name: string): StatusObject {
  return failure(409, 'AlreadyExists', `${qualifiedResource(resource)} "${name}" already exists`, detailsFor(resource, name));
}

export function conflictStatus(resource: StatusResource, name: string): StatusObject {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsFor(resource, name),
  );
}

export function unauthorizedStatus(): StatusObject {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export interface ForbiddenRequest {
  user: string;
  verb: string;
  resource: StatusResource;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "shop"` */
export function forbiddenStatus(request: ForbiddenRequest): StatusObject {
  const what = request.name ? `${qualifiedResource(request.resource)} "${request.name}"` : qualifiedResource(request.resource);
  const resourceName = request.subresource ? `${request.resource.plural}/${request.subresource}` : request.resource.plural;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  const message = `${what} is forbidden: User "${request.user}" cannot ${request.verb} resource "${resourceName}" in API group "${request.resource.group}" ${scope}`;
  return failure(403, 'Forbidden', message, detailsFor(request.resource, request.name));
}

/** What a watch from a compacted resourceVersion gets, as an ERROR event. */
export function expiredStatus(requested: number, oldest: number): StatusObject {
  return failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

export function badRequestStatus(message: string): StatusObject {
  return failure(400, 'BadRequest', message);
}

export function methodNotAllowedStatus(): StatusObject {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function unsupportedMediaTypeStatus(contentType: string): StatusObject {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

export function invalidStatus(resource: StatusResource, kind: string, name: string, field: string, problem: string): StatusObject {
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${problem}`, {
    ...detailsFor(resource, name),
    kind,
    causes: [{ reason: 'FieldValueInvalid', message: problem, field }],
  });
}

/** The Status the API server returns for a given HTTP code when something went wrong on its side. */
export function statusForCode(code: number, message?: string): StatusObject {
  switch (code) {
    case 400:
      return badRequestStatus(message ?? 'the server rejected our request for an unknown reason');
    case 401:
      return unauthorizedStatus();
    case 403:
      return failure(403, 'Forbidden', message ?? 'forbidden: the server does not allow access to the requested resource', {});
    case 404:
      return pathNotFoundStatus();
    case 409:
      return failure(409, 'Conflict', message ?? 'the server reported a conflict');
    case 410:
      return failure(410, 'Expired', message ?? 'the resource version is too old');
    case 429:
      return failure(429, 'TooManyRequests', message ?? 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
    case 500:
      return failure(500, 'InternalError', `Internal error occurred: ${message ?? 'etcdserver: request timed out'}`, {
        causes: [{ message: message ?? 'etcdserver: request timed out' }],
      });
    case 503:
      return failure(503, 'ServiceUnavailable', message ?? 'the server is currently unable to handle the request', {});
    case 504:
      return failure(
        504,
        'Timeout',
        message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request',
        {},
      );
    default:
      return failure(code, 'InternalError', message ?? `the server responded with status ${code}`, {});
  }
}
