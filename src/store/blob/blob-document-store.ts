import type { ContainerClient } from '@azure/storage-blob';
import type { DocumentStore, ListDocumentsOptions, StoredDocument } from '../document-store.js';
import type { Logger } from '../../logging/index.js';
import { storeConflict } from '../store-errors.js';
import { assertCollection, assertEtag, assertId, assertIdPrefix, assertLimit, compareIds, parseStoredJson, serializeValue } from '../validation.js';
import { classifyBlobError } from './blob-errors.js';
import { blobUnavailable, mapWithConcurrency, readBody, uploadJson } from './blob-io.js';
import { documentBlobName, documentNamePrefix, idFromDocumentBlobName } from './blob-names.js';

const LIST_DOWNLOAD_CONCURRENCY = 8;

/**
 * Documents as one JSON block blob each. Conditions are the service's own, evaluated atomically with the
 * write: create sends `If-None-Match: *`, replace and conditional delete send `If-Match: <etag>`.
 */
export class BlobDocumentStore implements DocumentStore {
  constructor(
    private readonly container: () => ContainerClient,
    private readonly log: Logger,
  ) {}

  async get<T>(collection: string, id: string): Promise<StoredDocument<T> | null> {
    assertCollection(collection);
    assertId(id);
    return this.read<T>(collection, id, documentBlobName(collection, id));
  }

  async create<T>(collection: string, id: string, value: T): Promise<string> {
    assertCollection(collection);
    assertId(id);
    const text = serializeValue(value);
    try {
      return await uploadJson(this.container(), documentBlobName(collection, id), text, { ifNoneMatch: '*' });
    } catch (error) {
      if (classifyBlobError(error) === 'condition-failed') throw storeConflict(`${collection}/${id} already exists`, { collection });
      throw blobUnavailable('create a document', error);
    }
  }

  async replace<T>(collection: string, id: string, value: T, ifMatch: string): Promise<string> {
    assertCollection(collection);
    assertId(id);
    assertEtag(ifMatch);
    const text = serializeValue(value);
    try {
      return await uploadJson(this.container(), documentBlobName(collection, id), text, { ifMatch });
    } catch (error) {
      const failure = classifyBlobError(error);
      if (failure === 'condition-failed' || failure === 'blob-missing') {
        throw storeConflict(`${collection}/${id} was changed or deleted by someone else`, { collection });
      }
      throw blobUnavailable('replace a document', error);
    }
  }

  async delete(collection: string, id: string, ifMatch?: string): Promise<boolean> {
    assertCollection(collection);
    assertId(id);
    if (ifMatch !== undefined) assertEtag(ifMatch);
    const blob = this.container().getBlobClient(documentBlobName(collection, id));
    try {
      await blob.delete(ifMatch === undefined ? {} : { conditions: { ifMatch } });
      return true;
    } catch (error) {
      const failure = classifyBlobError(error);
      if (failure === 'blob-missing') return false;
      if (failure !== 'condition-failed') throw blobUnavailable('delete a document', error);
    }
    // The condition failed: either the document has another etag (a conflict) or it is gone (nothing to delete).
    try {
      await blob.getProperties();
    } catch (error) {
      if (classifyBlobError(error) === 'blob-missing') return false;
      throw blobUnavailable('delete a document', error);
    }
    throw storeConflict(`${collection}/${id} was changed by someone else`, { collection });
  }

  async list<T>(collection: string, options: ListDocumentsOptions = {}): Promise<Array<{ id: string } & StoredDocument<T>>> {
    assertCollection(collection);
    const prefix = options.prefix ?? '';
    assertIdPrefix(prefix);
    assertLimit(options.limit);
    const container = this.container();
    const ids: string[] = [];
    try {
      for await (const item of container.listBlobsFlat({ prefix: documentNamePrefix(collection, prefix) })) {
        const id = idFromDocumentBlobName(collection, item.name);
        if (id === undefined) {
          this.log.warn('ignoring a blob this store did not write', { collection, blob: item.name });
          continue;
        }
        ids.push(id);
      }
    } catch (error) {
      throw blobUnavailable('list documents', error);
    }
    // Names are listed in the order of their encoding, which is not the order of ids.
    ids.sort(compareIds);
    const chosen = options.limit === undefined ? ids : ids.slice(0, options.limit);
    const documents = await mapWithConcurrency(chosen, LIST_DOWNLOAD_CONCURRENCY, async (id) => {
      const document = await this.read<T>(collection, id, documentBlobName(collection, id));
      return document === null ? null : { id, ...document };
    });
    // A document deleted between the listing and its download is simply not there any more.
    return documents.filter((d): d is { id: string } & StoredDocument<T> => d !== null);
  }

  private async read<T>(collection: string, id: string, name: string): Promise<StoredDocument<T> | null> {
    let etag: string | undefined;
    let text: string;
    try {
      const response = await this.container().getBlobClient(name).download(0);
      etag = response.etag;
      text = await readBody(response);
    } catch (error) {
      if (classifyBlobError(error) === 'blob-missing') return null;
      throw blobUnavailable('read a document', error);
    }
    if (etag === undefined) throw blobUnavailable('read a document', new Error('no etag in the download response'));
    return { value: parseStoredJson(text, `${collection}/${id}`) as T, etag };
  }
}
