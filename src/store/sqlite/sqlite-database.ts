import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isPullDoctorError, type PullDoctorError } from '../../errors/index.js';
import { storeClosed, storeUnavailable } from '../store.js';

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
 * Opening tells the truth about the file (see `prepareFile`): an empty (0-byte) file, a database missing where a
 * store was kept, and a file that fails SQLite's `quick_check` are refused with SQLite's own words, never
 * opened as an empty store.
 *
 * better-sqlite3 is synchronous: a call blocks the event loop for its duration, and for up to the busy
 * timeout while another process holds the write lock. Our statements are tiny, so this is fine for a bot.
 */
export class SqliteConnection {
  #db: SqliteDatabase | undefined;
  readonly path: string;
  /** Whether this open created the database (a new, empty store). */
  readonly created: boolean;

  constructor(path: string, options: SqliteOpenOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    let db: SqliteDatabase | undefined;
    try {
      this.created = this.path === ':memory:' ? true : prepareFile(this.path);
      // fileMustExist: after prepareFile, an absent file is never quietly created empty.
      db = new Database(this.path, { timeout: busyTimeoutMs, fileMustExist: this.path !== ':memory:' });
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      if (this.path !== ':memory:') checkIntegrity(db, this.path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db);
      if (this.path !== ':memory:') writeMarker(this.path);
      this.#db = db;
    } catch (error) {
      db?.close();
      if (isPullDoctorError(error)) throw error;
      throw sqliteFailure(`Cannot open the SQLite store at ${this.path}`, this.path, error);
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
      throw sqliteFailure(`The SQLite store at ${this.path} failed to ${what}`, this.path, error);
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
      throw storeUnavailable(
        `The SQLite store has schema version ${version}, newer than this Pull Doctor understands (${SCHEMA_VERSION})`,
        undefined,
        {},
        'A newer Pull Doctor wrote this file: run that version (or newer), or restore a backup made by this one.',
      );
    }
    db.exec(SCHEMA);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** The file beside the database that says a store is kept here (written when the database is created or opened). */
function markerPath(path: string): string {
  return `${path}.created`;
}

/** Files SQLite keeps beside a database it uses: their presence without the database means the database was lost. */
const SIDECARS = ['-wal', '-shm', '-journal'];

/**
 * Checks what is on disk before SQLite opens it, and returns whether it created the database:
 * - a 0-byte file is refused (SQLite would take it for a new, empty database: whatever it held would be gone
 *   without a word). Pull Doctor never leaves one behind, since it creates databases whole (below);
 * - a missing database is refused when the marker written at its creation, or SQLite's own -wal, -shm or
 *   -journal files, are still there: a store was kept here and is gone;
 * - otherwise a missing database is created whole: built under a temporary name and linked into place (an
 *   atomic step that never replaces a file another process created meanwhile).
 */
function prepareFile(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const size = sizeOf(path);
  if (size === 0) {
    throw sqliteProblem(
      `The SQLite store at ${path} is an empty file (0 bytes): the database it held is gone (the file was truncated or replaced), so Pull Doctor will not start with an empty store in its place`,
      path,
      'damaged',
    );
  }
  if (size !== undefined) return false;
  const traces = [markerPath(path), ...SIDECARS.map((suffix) => `${path}${suffix}`)].filter((p) => existsSync(p));
  if (traces.length > 0) {
    // Another process may have created it since the first look.
    if (sizeOf(path) !== undefined) return false;
    throw sqliteProblem(
      `The SQLite store at ${path} is missing, but ${traces.map((t) => basename(t)).join(', ')} beside it show${traces.length === 1 ? 's' : ''} that a store was kept there: Pull Doctor will not start over with an empty store on its own (its fix requests and audit log would be silently gone)`,
      path,
      'missing',
    );
  }
  return createWhole(path);
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates the database with its schema under a temporary name, then links it into place; false when another process was first. */
function createWhole(path: string): boolean {
  const temporary = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const db = new Database(temporary);
    try {
      migrate(db);
    } finally {
      db.close();
    }
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Writes the marker of a store kept at `path`, unless it is there already (databases older than the marker get one too). */
function writeMarker(path: string): void {
  const text = `Pull Doctor keeps its state store in ${basename(path)}, next to this file. While this file exists, Pull Doctor refuses to start without ${basename(path)} rather than start over with an empty store. See docs/deploy.md.\n`;
  try {
    writeFileSync(markerPath(path), text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** `PRAGMA quick_check` (structure of every page, without the slower index cross-checks of integrity_check). */
function checkIntegrity(db: SqliteDatabase, path: string): void {
  const problems = (db.pragma('quick_check(10)') as Array<Record<string, unknown>>)
    .map((row) => String(Object.values(row)[0]))
    .filter((line) => line !== 'ok');
  if (problems.length === 0) return;
  throw sqliteProblem(
    `The SQLite store at ${path} is damaged: SQLite's quick_check says "${sqliteWords(problems.join('; '))}"`,
    path,
    'damaged',
    {
      sqliteCode: 'SQLITE_CORRUPT',
    },
  );
}

type SqliteTrouble = 'damaged' | 'missing' | 'locked' | 'access' | 'other';

function troubleOf(code: string | undefined): SqliteTrouble {
  if (code === undefined) return 'other';
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return 'damaged';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'locked';
  if (/^(SQLITE_(CANTOPEN|PERM|READONLY|IOERR|FULL|AUTH)|EACCES|EPERM|EROFS|ENOSPC|ENOTDIR|EISDIR)/.test(code)) return 'access';
  return 'other';
}

/** A failure of SQLite (or of the file system under it): the message carries its own words and code, the advice is about the local file. */
function sqliteFailure(message: string, path: string, error: unknown): PullDoctorError {
  const facts = sqliteFacts(error);
  const code = facts.sqliteCode ?? facts.errorCode;
  const who = facts.sqliteCode !== undefined || facts.errorCode === undefined ? 'SQLite says' : 'the file system says';
  const reason = error instanceof Error ? sqliteWords(error.message) : 'unknown error';
  return sqliteProblem(
    `${message}: ${who} "${reason}"${code !== undefined && !reason.includes(code) ? ` (${code})` : ''}`,
    path,
    troubleOf(code),
    facts,
    error,
  );
}

function sqliteProblem(
  message: string,
  path: string,
  trouble: SqliteTrouble,
  facts: Record<string, string> = {},
  cause?: unknown,
): PullDoctorError {
  return storeUnavailable(message, cause, { ...facts, path }, sqliteAdvice(path, trouble));
}

/** SQLite's message on one line, bounded (it names pages and tables, never stored values). */
function sqliteWords(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

function sqliteAdvice(path: string, trouble: SqliteTrouble): string {
  const local = `This is a problem with the local SQLite file ${path} (STORE_SQLITE_PATH), not with Azure.`;
  const startOver = `To start over with an empty store on purpose (its fix requests and audit log are lost), move ${path}, any ${basename(path)}-wal, -shm or -journal file and ${basename(markerPath(path))} out of the folder.`;
  switch (trouble) {
    case 'damaged':
      return `${local} Stop every Pull Doctor process that uses it, keep a copy of it (with any ${basename(path)}-wal and -shm file beside it), and restore it from a backup; \`sqlite3 ${path} "PRAGMA integrity_check"\` lists the damage. ${startOver}`;
    case 'missing':
      return `${local} Restore ${path} from a backup, or mount the volume that holds it. ${startOver}`;
    case 'locked':
      return `${local} Another process held a lock on it for longer than the busy timeout: look for a stuck process using the file (\`fuser ${path}\`) and try again.`;
    case 'access':
      return `${local} Check that the file and its folder are on a local disk, that the bot's user may read and write them, and that the disk is not full.`;
    default:
      return `${local} Check the file, its folder and the disk.`;
  }
}

function sqliteFacts(error: unknown): Record<string, string> {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return {};
  return code.startsWith('SQLITE_') ? { sqliteCode: code } : { errorCode: code };
}
