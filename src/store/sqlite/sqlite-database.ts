import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isPullDoctorError } from '../../errors/index.js';
import { storeClosed, storeUnavailable } from '../store-errors.js';

export type SqliteDatabase = Database.Database;

/** The schema this code writes; a file with a newer one was written by a newer Pull Doctor and is refused. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    value      TEXT NOT NULL,
    etag       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS log_records (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    log    TEXT NOT NULL,
    at     TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS log_records_by_time ON log_records (log, at, seq);
`;

export interface SqliteOpenOptions {
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/**
 * One connection to the database file, shared by the document store and the logs of a Store. Several
 * processes on one host may open the same file: WAL lets readers work during a write, writes take turns
 * (waiting up to the busy timeout), and every conditional write is a single statement, so compare-and-swap
 * is atomic across connections. Not for network file systems (WAL needs shared memory on one host): replicas
 * on several nodes use the Blob store.
 *
 * better-sqlite3 is synchronous: a call blocks the event loop for its duration, and for up to the busy
 * timeout while another process holds the write lock. Our statements are tiny, so this is fine for a bot.
 */
export class SqliteConnection {
  #db: SqliteDatabase | undefined;
  readonly path: string;

  constructor(path: string, options: SqliteOpenOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    let db: SqliteDatabase | undefined;
    try {
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path, { timeout: busyTimeoutMs });
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db);
      this.#db = db;
    } catch (error) {
      db?.close();
      if (isPullDoctorError(error)) throw error;
      throw storeUnavailable(`Cannot open the SQLite store at ${this.path}`, error, sqliteFacts(error));
    }
  }

  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  /** Runs `work` on the open database; SQLite failures become STORE_UNAVAILABLE, our own errors pass through. */
  use<R>(what: string, work: (db: SqliteDatabase) => R): R {
    const db = this.#db;
    if (db === undefined) throw storeClosed();
    try {
      return work(db);
    } catch (error) {
      if (isPullDoctorError(error)) throw error;
      throw storeUnavailable(`The SQLite store failed to ${what}`, error, sqliteFacts(error));
    }
  }

  close(): void {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }
}

function migrate(db: SqliteDatabase): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw storeUnavailable(`The SQLite store has schema version ${version}, newer than this Pull Doctor understands (${SCHEMA_VERSION})`);
    }
    db.exec(SCHEMA);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function sqliteFacts(error: unknown): Record<string, string> {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { sqliteCode: code } : {};
}
