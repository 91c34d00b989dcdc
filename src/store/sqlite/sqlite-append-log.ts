import type { AppendLog, AppendLogListOptions } from '../append-log.js';
import { assertCanonicalTime, assertLimit, normalizeSince, parseStoredJson } from '../validation.js';
import type { SqliteConnection } from './sqlite-database.js';

/**
 * An append-only log stored as rows of `log_records`, one row per record, ordered by `at` and then by
 * insertion. `validate` runs before anything is written (the audit log passes its secret guard).
 */
export class SqliteAppendLog<T extends { at: string }> implements AppendLog<T> {
  constructor(
    private readonly connection: SqliteConnection,
    private readonly name: string,
    private readonly validate: (record: T) => void = () => undefined,
  ) {}

  async append(record: T): Promise<void> {
    this.validate(record);
    assertCanonicalTime(record.at, 'a log record\'s "at"');
    const text = JSON.stringify(record);
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
