import type { BlobDownloadResponseParsed, ContainerClient } from '@azure/storage-blob';
import type { PullDoctorError } from '../../errors/index.js';
import { storeUnavailable } from '../store-errors.js';
import { blobErrorFacts } from './blob-errors.js';

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
