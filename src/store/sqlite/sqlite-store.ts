import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/index.js';
import {
  storeConflict,
  type AppendLog,
  type AppendLogListOptions,
  type AuditRecord,
  type DocumentStore,
  type ListDocumentsOptions,
  type Store,
  type StoredDocument,
} from '../store.js';
import {
  assertAuditRecord,
  logRecordText,
  assertCollection,
  assertEtag,
  assertId,
  assertIdPrefix,
  assertLimit,
  normalizeSince,
  parseStoredJson,
  serializeValue,
} from '../validation.js';
import { SqliteConnection, type SqliteOpenOptions } from './sqlite-database.js';

export interface SqliteStoreOptions extends SqliteOpenOptions {
  /**
   * The database file, or `:memory:` for a private throwaway store. A missing file is created with its folder
   * (and logged at warn level), unless a store was kept there before: see SqliteConnection.
   */
  path: string;
  log: Logger;
}

/** The embedded default: one SQLite file, which several processes on the same host may share. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const connection = new SqliteConnection(options.path, options);
  const log = options.log.child({ store: 'sqlite' });
  if (connection.created && connection.path !== ':memory:') {
    // Loud on purpose: on a deployment that has run before, this means its state (fix requests, audit log) is gone.
    log.warn(`created a new empty store at ${connection.path}`, { path: connection.path });
  }
  log.info('store opened', { path: connection.path });
  const audit: AppendLog<AuditRecord> = new SqliteAppendLog<AuditRecord>(connection, 'audit', assertAuditRecord);
  return {
    documents: new SqliteDocumentStore(connection),
    audit,
    async close() {
      if (!connection.isOpen) return;
      connection.close();
      log.info('store closed', { path: connection.path });
    },
    describe: () => `sqlite:${connection.path}`,
    async ping() {
      connection.use('answer a ping', (db) => db.prepare('SELECT 1').get());
    },
  };
}

interface DocumentRow {
  id: string;
  value: string;
  etag: string;
}

/**
 * Documents in the `documents` table. Every write is one statement whose WHERE clause carries the condition
 * (absent / etag equals), so the check and the write are one atomic step even across processes. Etags are
 * random, so a document deleted and created again never matches an etag of its earlier life.
 */
class SqliteDocumentStore implements DocumentStore {
  constructor(private readonly connection: SqliteConnection) {}

  async get<T>(collection: string, id: string): Promise<StoredDocument<T> | null> {
    assertCollection(collection);
    assertId(id);
    const row = this.connection.use('read a document', (db) =>
      db
        .prepare<[string, string], DocumentRow>('SELECT id, value, etag FROM documents WHERE collection = ? AND id = ?')
        .get(collection, id),
    );
    if (row === undefined) return null;
    return { value: parseStoredJson(row.value, `${collection}/${id}`) as T, etag: row.etag };
  }

  async create<T>(collection: string, id: string, value: T): Promise<string> {
    assertCollection(collection);
    assertId(id);
    const text = serializeValue(value);
    const etag = newEtag();
    const changes = this.connection.use(
      'create a document',
      (db) =>
        db
          .prepare(
            'INSERT INTO documents (collection, id, value, etag, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, id) DO NOTHING',
          )
          .run(collection, id, text, etag, new Date().toISOString()).changes,
    );
    if (changes !== 1) throw storeConflict(`${collection}/${id} already exists`, { collection });
    return etag;
  }

  async replace<T>(collection: string, id: string, value: T, ifMatch: string): Promise<string> {
    assertCollection(collection);
    assertId(id);
    assertEtag(ifMatch);
    const text = serializeValue(value);
    const etag = newEtag();
    const changes = this.connection.use(
      'replace a document',
      (db) =>
        db
          .prepare('UPDATE documents SET value = ?, etag = ?, updated_at = ? WHERE collection = ? AND id = ? AND etag = ?')
          .run(text, etag, new Date().toISOString(), collection, id, ifMatch).changes,
    );
    if (changes !== 1) throw storeConflict(`${collection}/${id} was changed or deleted by someone else`, { collection });
    return etag;
  }

  async delete(collection: string, id: string, ifMatch?: string): Promise<boolean> {
    assertCollection(collection);
    assertId(id);
    if (ifMatch !== undefined) assertEtag(ifMatch);
    return this.connection.use('delete a document', (db) => {
      if (ifMatch === undefined) {
        return db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?').run(collection, id).changes === 1;
      }
      // One transaction, so that "exists with another etag" (conflict) and "absent" (false) are told apart
      // on the same state.
      return db
        .transaction(() => {
          if (db.prepare('DELETE FROM documents WHERE collection = ? AND id = ? AND etag = ?').run(collection, id, ifMatch).changes === 1)
            return true;
          const exists = db.prepare('SELECT 1 FROM documents WHERE collection = ? AND id = ?').get(collection, id) !== undefined;
          if (exists) throw storeConflict(`${collection}/${id} was changed by someone else`, { collection });
          return false;
        })
        .immediate();
    });
  }

  async list<T>(collection: string, options: ListDocumentsOptions = {}): Promise<Array<{ id: string } & StoredDocument<T>>> {
    assertCollection(collection);
    const prefix = options.prefix ?? '';
    assertIdPrefix(prefix);
    assertLimit(options.limit);
    // substr/length count characters on both sides, so the prefix test is exact for any Unicode text; the
    // default BINARY collation orders by UTF-8 bytes, i.e. by code point.
    const rows = this.connection.use('list documents', (db) =>
      db
        .prepare<[string, string, string, number], DocumentRow>(
          'SELECT id, value, etag FROM documents WHERE collection = ? AND substr(id, 1, length(?)) = ? ORDER BY id LIMIT ?',
        )
        .all(collection, prefix, prefix, options.limit ?? -1),
    );
    return rows.map((row) => ({ id: row.id, value: parseStoredJson(row.value, `${collection}/${row.id}`) as T, etag: row.etag }));
  }
}

function newEtag(): string {
  return `"${randomUUID()}"`;
}

/**
 * An append-only log stored as rows of `log_records`, one row per record, ordered by `at` and then by
 * insertion. `validate` runs before anything is written (the audit log passes its secret guard).
 */
class SqliteAppendLog<T extends { at: string }> implements AppendLog<T> {
  constructor(
    private readonly connection: SqliteConnection,
    private readonly name: string,
    private readonly validate: (record: T) => void = () => undefined,
  ) {}

  async append(record: T): Promise<void> {
    const text = logRecordText(record, this.validate);
    this.connection.use('append a log record', (db) =>
      db.prepare('INSERT INTO log_records (log, at, record) VALUES (?, ?, ?)').run(this.name, record.at, text),
    );
  }

  async list(options: AppendLogListOptions = {}): Promise<T[]> {
    const since = normalizeSince(options.since) ?? '';
    assertLimit(options.limit);
    const rows = this.connection.use('list log records', (db) =>
      db
        .prepare<[string, string, number], { seq: number; record: string }>(
          'SELECT seq, record FROM log_records WHERE log = ? AND at >= ? ORDER BY at, seq LIMIT ?',
        )
        .all(this.name, since, options.limit ?? -1),
    );
    return rows.map((row) => parseStoredJson(row.record, `${this.name} log record ${row.seq}`) as T);
  }
}
