import { isPullDoctorError, PullDoctorError } from '../errors/index.js';

/** The bot's persistent state: one per process, shared by every replica through the backend. */
export interface Store {
  documents: DocumentStore;
  audit: AppendLog<AuditRecord>;
  /** Releases the backend; every later call fails with STORE_UNAVAILABLE. Calling it twice is harmless. */
  close(): Promise<void>;
  /** Where the state lives, safe to log (no keys, no SAS tokens), e.g. `sqlite:/data/pulldoctor.sqlite`. */
  describe(): string;
  /** Resolves when the backend answers; fails with STORE_UNAVAILABLE otherwise (for readiness probes). */
  ping(): Promise<void>;
}

/**
 * One entry of the audit log: who did what to what, and how it ended. Kept for as long as the log is.
 *
 * NEVER put a secret in any field: no token, password, key, connection string, pull-secret content or
 * signed URL. Reference things by name or id (a role assignment id, a pod name, a request id) instead.
 * `append` refuses values that look like secrets (see assertAuditRecord), but that guard only catches the
 * obvious shapes; it is a backstop, not a licence.
 */
export interface AuditRecord {
  /** When it happened: `new Date().toISOString()`. */
  at: string;
  /** What was done, e.g. `fix.requested`, `fix.approved`, `fix.applied`, `fix.rejected`. */
  action: string;
  /** Who did it (Teams user id and display name), absent for the bot itself. */
  actor?: { id: string; name?: string };
  /** What it was done to, e.g. `{ cluster, namespace, pod, registry, fixRequestId }`. */
  target?: Record<string, string>;
  /** How it ended, e.g. `ok`, `refused`, `failed`, `conflict`. */
  result: string;
  /** Why, in words, when it did not simply succeed. */
  reason?: string;
  /** Correlates with the logs of the same turn. */
  requestId?: string;
  details?: Record<string, string | number | boolean>;
}

/**
 * Documents addressed by (collection, id), each with an opaque etag that changes on every write. Writes are
 * conditional so that several replicas can share one store: `create` only when absent, `replace` and `delete`
 * only when the caller has seen the current version (compare-and-swap). Values are stored as JSON.
 *
 * - collection: a name chosen in code, `[a-z][a-z0-9-]{0,39}`; `audit` is reserved.
 * - id: any well-formed Unicode string of 1 to 256 UTF-8 bytes without control characters; ids are encoded
 *   by each implementation so that `../`, slashes or `%` cannot reach outside their collection.
 * - value: anything `JSON.stringify` accepts, at most MAX_DOCUMENT_BYTES once serialised. What comes back is
 *   `JSON.parse` of that text, cast to T: callers check the shape of what they read.
 *
 * Failures are PullDoctorErrors: STORE_CONFLICT when a condition does not hold, INVALID_INPUT for a bad
 * collection, id or value, STORE_UNAVAILABLE when the backend fails (the original error stays in `cause`).
 */
export interface StoredDocument<T> {
  value: T;
  /** Opaque version tag; pass it back as `ifMatch`. Compare only for equality. */
  etag: string;
}

export interface ListDocumentsOptions {
  /** Only ids that start with this string. */
  prefix?: string;
  /** At most this many documents (a positive whole number); all of them when absent. */
  limit?: number;
}

export interface DocumentStore {
  /** The document, or null when there is none. */
  get<T>(collection: string, id: string): Promise<StoredDocument<T> | null>;
  /** Fails with STORE_CONFLICT if the id exists. Returns the new etag. */
  create<T>(collection: string, id: string, value: T): Promise<string>;
  /**
   * Compare-and-swap: fails with STORE_CONFLICT unless the document exists and its current etag equals
   * `ifMatch`. Returns the new etag.
   */
  replace<T>(collection: string, id: string, value: T, ifMatch: string): Promise<string>;
  /**
   * Deletes the document; with `ifMatch`, only if that is its current etag (else STORE_CONFLICT). Returns
   * whether a document was deleted (false when there was none).
   */
  delete(collection: string, id: string, ifMatch?: string): Promise<boolean>;
  /**
   * Documents of a collection in ascending order of id (compared by Unicode code point). Not a snapshot: a
   * document written while the list runs may or may not appear.
   */
  list<T>(collection: string, options?: ListDocumentsOptions): Promise<Array<{ id: string } & StoredDocument<T>>>;
}

/** Serialised documents larger than this are refused (INVALID_INPUT): the store holds state, not payloads. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

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

type Facts = Record<string, string | number | boolean>;

export function storeConflict(message: string, facts: Facts = {}): PullDoctorError {
  return new PullDoctorError('STORE_CONFLICT', message, { facts });
}

/**
 * The backend failed. `cause` is kept for the logs only: it may name internals, never shown to users. `advice`
 * says what to do about this backend's failure (a local SQLite file is not a storage account).
 */
export function storeUnavailable(message: string, cause?: unknown, facts: Facts = {}, advice?: string): PullDoctorError {
  return new PullDoctorError('STORE_UNAVAILABLE', message, { cause, facts, advice });
}

export function invalidStoreInput(message: string): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', message);
}

export function storeClosed(): PullDoctorError {
  return storeUnavailable('The store is closed');
}

export interface UpdateWithRetryOptions {
  /** How many read-modify-write rounds to try before giving up with STORE_CONFLICT (default 5). */
  attempts?: number;
  /** Pause between rounds, grown with jitter (default 10 ms); tests may pass 0. */
  backoffMs?: number;
}

export interface UpdateResult<T> extends StoredDocument<T> {
  /** True if this call wrote the document; false if `mutate` returned undefined (nothing to change). */
  changed: boolean;
}

/**
 * Read-modify-write with compare-and-swap: reads the document, asks `mutate` for the next value, and writes it
 * only if nobody wrote in between; on a conflict it reads again and asks again.
 *
 * `mutate(current)` gets the current value (null when there is no document) and returns the next value, or
 * undefined to leave things as they are. It may run several times, so it must be a pure function of
 * `current` — that is what makes "pending → approved" happen exactly once: a second approver's `mutate`
 * sees `approved` and returns undefined.
 *
 * Returns the stored document with `changed`, or null when there is none and `mutate(null)` returned
 * undefined. Fails with STORE_CONFLICT after `attempts` lost races.
 */
export async function updateWithRetry<T>(
  store: DocumentStore,
  collection: string,
  id: string,
  mutate: (current: T | null) => T | undefined,
  options: UpdateWithRetryOptions = {},
): Promise<UpdateResult<T> | null> {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 10;
  if (!(Number.isSafeInteger(attempts) && attempts >= 1)) throw new RangeError('attempts must be a positive whole number');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await store.get<T>(collection, id);
    const next = mutate(current === null ? null : current.value);
    if (next === undefined) return current === null ? null : { ...current, changed: false };
    try {
      const etag = current === null ? await store.create(collection, id, next) : await store.replace(collection, id, next, current.etag);
      return { value: next, etag, changed: true };
    } catch (error) {
      if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT') throw error;
      if (attempt < attempts && backoffMs > 0) await sleep(backoffMs * attempt * (0.5 + Math.random()));
    }
  }
  throw storeConflict(`Gave up updating ${collection}/${id} after ${attempts} conflicting writes`, { collection, attempts });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The object without its keys whose value is undefined: a stored document says "absent" by leaving a key out. */
export function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
