import type { Logger } from '../../logging/index.js';
import type { AppendLog } from '../append-log.js';
import { assertAuditRecord, type AuditRecord } from '../audit-record.js';
import type { Store } from '../store.js';
import { SqliteAppendLog } from './sqlite-append-log.js';
import { SqliteConnection, type SqliteOpenOptions } from './sqlite-database.js';
import { SqliteDocumentStore } from './sqlite-document-store.js';

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
