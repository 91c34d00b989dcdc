/**
 * An append-only log of records stamped with their time. Records are never changed or removed through this
 * interface. `at` must be a UTC ISO-8601 time as `Date.prototype.toISOString()` writes it
 * (`2025-01-31T09:15:00.000Z`), so that text order is time order.
 */
export interface AppendLogListOptions {
  /** Only records with `at` at or after this ISO-8601 time. */
  since?: string;
  /** At most this many records, the oldest first (a positive whole number); all of them when absent. */
  limit?: number;
}

export interface AppendLog<T extends { at: string }> {
  /** Keeps the record; fails with INVALID_INPUT for a malformed one, STORE_UNAVAILABLE when the backend fails. */
  append(record: T): Promise<void>;
  /** Oldest first; `since` inclusive ISO time. Records with the same `at` come in no particular order. */
  list(options?: AppendLogListOptions): Promise<T[]>;
}
