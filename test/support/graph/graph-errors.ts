import { randomUUID } from 'node:crypto';

/**
 * Error bodies shaped like Microsoft Graph's: `{"error":{"code","message","innerError":{"date","request-id",
 * "client-request-id"}}}`. Codes and messages are the ones Graph documents and sends for these cases
 * (https://learn.microsoft.com/graph/errors and the directoryObject API pages).
 */
export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export function graphError(code: string, message: string, requestId: string = randomUUID()): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

export const graphErrors = {
  missingToken: () => graphError('InvalidAuthenticationToken', 'Access token is empty.'),
  invalidToken: () => graphError('InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).'),
  invalidAudience: () => graphError('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.'),
  expiredToken: () => graphError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  insufficientPrivileges: () => graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  notFound: (id: string) =>
    graphError(
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  invalidId: (id: string) => graphError('Request_BadRequest', `Invalid object identifier '${id}'.`),
  badBody: (detail: string) => graphError('Request_BadRequest', detail),
  tooManyGroups: () => graphError('Request_BadRequest', 'The number of group ids in the request exceeds the limit of 20.'),
  methodNotAllowed: () => graphError('Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  noRoute: (path: string) =>
    graphError('BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? ''}'.`),
  throttled: () => graphError('TooManyRequests', 'Too many requests.'),
  serviceUnavailable: () => graphError('serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'),
};
