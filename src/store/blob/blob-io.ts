import { RestError, type BlobDownloadResponseParsed, type ContainerClient } from '@azure/storage-blob';
import type { PullDoctorError } from '../../errors/index.js';
import { storeUnavailable } from '../store.js';

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

/** Reads a whole download into text. The response's etag belongs to exactly these bytes. */
export async function readBody(response: BlobDownloadResponseParsed): Promise<string> {
  const stream = response.readableStreamBody;
  if (stream === undefined) throw storeUnavailable('The Blob service sent a download without a body');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Uploads JSON text in one Put Blob request, with the given access conditions; returns the new etag. */
export async function uploadJson(
  container: ContainerClient,
  name: string,
  text: string,
  conditions: { ifMatch?: string; ifNoneMatch?: string },
): Promise<string> {
  const response = await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text, 'utf8'), {
    conditions,
    blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
  });
  if (response.etag === undefined) throw storeUnavailable('The Blob service did not return an etag for a write');
  return response.etag;
}

export function blobUnavailable(what: string, error: unknown): PullDoctorError {
  return storeUnavailable(`The Blob store failed to ${what}`, error, blobErrorFacts(error));
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapWithConcurrency<I, O>(items: readonly I[], limit: number, work: (item: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
