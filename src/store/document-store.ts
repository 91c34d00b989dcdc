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
