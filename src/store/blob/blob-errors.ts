import { RestError } from '@azure/storage-blob';

/** What a failed Blob request means to the store. */
export type BlobFailure =
  /** The condition (If-Match / If-None-Match) did not hold, or the blob exists already. */
  | 'condition-failed'
  /** The blob does not exist (but the container does). */
  | 'blob-missing'
  /** Anything else: network, authentication, a missing container, throttling, a server error. */
  | 'unavailable';

export function classifyBlobError(error: unknown): BlobFailure {
  if (!(error instanceof RestError)) return 'unavailable';
  const code = blobErrorCode(error);
  if (error.statusCode === 412 || code === 'BlobAlreadyExists' || code === 'ConditionNotMet') return 'condition-failed';
  if (error.statusCode === 404 && (code === 'BlobNotFound' || code === undefined)) return 'blob-missing';
  return 'unavailable';
}

/** The service's error code (`x-ms-error-code`), e.g. BlobNotFound, ContainerNotFound, AuthorizationFailure. */
export function blobErrorCode(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  const header = error.response?.headers.get('x-ms-error-code');
  if (header) return header;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Non-secret facts about a failure for logs and error facts: status and service code, never URLs. */
export function blobErrorFacts(error: unknown): Record<string, string | number> {
  const facts: Record<string, string | number> = {};
  if (error instanceof RestError) {
    if (error.statusCode !== undefined) facts.status = error.statusCode;
    const code = blobErrorCode(error);
    if (code !== undefined) facts.blobErrorCode = code;
  } else if (error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    facts.errorCode = (error as { code: string }).code;
  }
  return facts;
}
