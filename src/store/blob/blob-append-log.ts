import { randomBytes } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { AppendLog, AppendLogListOptions } from '../append-log.js';
import type { Logger } from '../../logging/index.js';
import { storeUnavailable } from '../store-errors.js';
import { assertCanonicalTime, assertLimit, normalizeSince, parseStoredJson } from '../validation.js';
import { classifyBlobError } from './blob-errors.js';
import { blobUnavailable, mapWithConcurrency, readBody, uploadJson } from './blob-io.js';
import { AUDIT_FOLDER, auditBlobName, auditDayFolder, dayOfAuditFolder } from './blob-names.js';

const LIST_DOWNLOAD_CONCURRENCY = 8;

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
    this.validate(record);
    assertCanonicalTime(record.at, 'a log record\'s "at"');
    const text = JSON.stringify(record);
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
