import { randomBytes } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../../logging/index.js';
import {
  storeConflict,
  storeUnavailable,
  type AppendLog,
  type AppendLogListOptions,
  type DocumentStore,
  type ListDocumentsOptions,
  type StoredDocument,
} from '../store.js';
import {
  logRecordText,
  assertCollection,
  assertEtag,
  assertId,
  assertIdPrefix,
  assertLimit,
  compareIds,
  normalizeSince,
  parseStoredJson,
  serializeValue,
} from '../validation.js';
import { blobUnavailable, classifyBlobError, mapWithConcurrency, readBody, uploadJson } from './blob-io.js';
import {
  AUDIT_FOLDER,
  auditBlobName,
  auditDayFolder,
  dayOfAuditFolder,
  documentBlobName,
  documentNamePrefix,
  idFromDocumentBlobName,
} from './blob-names.js';

/** How many blobs a list downloads at once. */
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

/**
 * An append-only log as one small block blob per record (`audit/<day>/<at>-<random>.json`), each created with
 * `If-None-Match: *` so that no record is ever overwritten. Concurrent appends from any number of replicas are
 * independent creates: nothing to coordinate, nothing lost. (Append blobs were the alternative; they allow
 * 50,000 blocks per blob, need rotation, and readers would have to parse a shared stream. One blob per record
 * is simpler and the volume — a few records per fix — is small.)
 */
export class BlobAppendLog<T extends { at: string }> implements AppendLog<T> {
  constructor(
    private readonly container: () => ContainerClient,
    private readonly log: Logger,
    private readonly validate: (record: T) => void = () => undefined,
  ) {}

  async append(record: T): Promise<void> {
    const text = logRecordText(record, this.validate);
    const name = auditBlobName(record.at, randomBytes(8).toString('hex'));
    try {
      await uploadJson(this.container(), name, text, { ifNoneMatch: '*' });
    } catch (error) {
      // A condition failure would mean 64 random bits collided within one millisecond: treat it as a failure.
      throw blobUnavailable('append a log record', error);
    }
  }

  async list(options: AppendLogListOptions = {}): Promise<T[]> {
    const since = normalizeSince(options.since);
    assertLimit(options.limit);
    const container = this.container();
    const names: string[] = [];
    try {
      const days: string[] = [];
      for await (const item of container.listBlobsByHierarchy('/', { prefix: AUDIT_FOLDER })) {
        if (item.kind !== 'prefix') continue;
        const day = dayOfAuditFolder(item.name);
        if (day !== undefined && (since === undefined || day >= since.slice(0, 10))) days.push(day);
      }
      days.sort();
      const lowest = since === undefined ? '' : `${auditDayFolder(since.slice(0, 10))}${since}`;
      for (const day of days) {
        const inDay: string[] = [];
        for await (const item of container.listBlobsFlat({ prefix: auditDayFolder(day) })) {
          if (item.name >= lowest) inDay.push(item.name);
        }
        inDay.sort();
        names.push(...inDay);
        if (options.limit !== undefined && names.length >= options.limit) break;
      }
    } catch (error) {
      throw blobUnavailable('list log records', error);
    }
    const chosen = options.limit === undefined ? names : names.slice(0, options.limit);
    return mapWithConcurrency(chosen, LIST_DOWNLOAD_CONCURRENCY, (name) => this.read(container, name));
  }

  private async read(container: ContainerClient, name: string): Promise<T> {
    let text: string;
    try {
      text = await readBody(await container.getBlobClient(name).download(0));
    } catch (error) {
      if (classifyBlobError(error) === 'blob-missing') {
        // Records are never deleted through this interface: a missing one was removed by hand.
        this.log.error('a listed log record disappeared', { blob: name });
        throw storeUnavailable(`The log record ${name} disappeared while it was being read`);
      }
      throw blobUnavailable('read a log record', error);
    }
    return parseStoredJson(text, name) as T;
  }
}
