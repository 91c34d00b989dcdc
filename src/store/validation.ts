import { redactText, redactValue } from '../logging/redact.js';
import { invalidStoreInput, MAX_DOCUMENT_BYTES, storeUnavailable, type AuditRecord } from './store.js';

/**
 * The rules both implementations share, checked before any I/O so that the backends behave alike on bad input, and
 * the audit log's guard against anything that looks like a secret.
 */

const COLLECTION = /^[a-z][a-z0-9-]{0,39}$/;
/** The audit log's blobs live under `audit/`; no document collection may sit there. */
const RESERVED_COLLECTIONS: ReadonlySet<string> = new Set(['audit']);
const MAX_ID_BYTES = 256;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /\p{Cs}/u;

export function assertCollection(collection: string): void {
  if (typeof collection !== 'string' || !COLLECTION.test(collection) || RESERVED_COLLECTIONS.has(collection)) {
    throw invalidStoreInput(`Invalid collection name "${String(collection)}": use [a-z][a-z0-9-]{0,39}, not "audit"`);
  }
}

export function assertId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) throw invalidStoreInput('A document id must be a non-empty string');
  assertIdText(id, 'document id');
}

/** A list prefix follows the id rules but may be empty. */
export function assertIdPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw invalidStoreInput('A list prefix must be a string');
  assertIdText(prefix, 'list prefix');
}

function assertIdText(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) throw invalidStoreInput(`A ${what} must be well-formed Unicode`);
  if (CONTROL_CHARACTER.test(text)) throw invalidStoreInput(`A ${what} must not contain control characters`);
  if (Buffer.byteLength(text, 'utf8') > MAX_ID_BYTES) throw invalidStoreInput(`A ${what} must be at most ${MAX_ID_BYTES} UTF-8 bytes`);
}

/**
 * An etag given back as `ifMatch`: an opaque, printable string. `*` is refused: to HTTP it means "any
 * version", which would turn a compare-and-swap into a blind overwrite.
 */
export function assertEtag(etag: string): void {
  if (
    typeof etag !== 'string' ||
    etag === '' ||
    etag.trim() === '*' ||
    etag.length > 256 ||
    CONTROL_CHARACTER.test(etag) ||
    /[^\u0020-\u007e]/.test(etag)
  ) {
    throw invalidStoreInput('An etag must be one that the store returned (printable ASCII, not "*")');
  }
}

export function assertLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
    throw invalidStoreInput(`A list limit must be a positive whole number (got ${String(limit)})`);
  }
}

/** The JSON text stored for a value; refuses what JSON cannot hold and values over MAX_DOCUMENT_BYTES. */
export function serializeValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    throw invalidStoreInput('The value cannot be stored as JSON (a cycle or a BigInt?)');
  }
  if (text === undefined) throw invalidStoreInput('The value cannot be stored as JSON (undefined, a function or a symbol)');
  if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) {
    throw invalidStoreInput(`The value is larger than ${MAX_DOCUMENT_BYTES} bytes as JSON`);
  }
  return text;
}

/** Ascending Unicode code point order (the order of UTF-8 bytes), the order `list` returns. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks that `at` is a UTC time exactly as `Date.prototype.toISOString()` writes it (years 0000-9999). */
export function assertCanonicalTime(at: unknown, what: string): asserts at is string {
  if (typeof at !== 'string' || !CANONICAL_TIME.test(at) || Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at) {
    throw invalidStoreInput(`${what} must be a UTC ISO-8601 time like 2025-01-31T09:15:00.000Z (got ${JSON.stringify(at)})`);
  }
}

/** The JSON text of an append-log record, once `validate` (the audit log's secret guard) and the time check pass. */
export function logRecordText<T extends { at: string }>(record: T, validate: (record: T) => void): string {
  validate(record);
  assertCanonicalTime(record.at, 'a log record\'s "at"');
  return JSON.stringify(record);
}

/** A `since` bound: any ISO-8601 date or time with a zone, normalised to the canonical UTC form. */
export function normalizeSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const parsed = typeof since === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(since) ? Date.parse(since) : NaN;
  if (Number.isNaN(parsed))
    throw invalidStoreInput(`"since" must be an ISO-8601 time like 2025-01-31T09:15:00.000Z (got ${JSON.stringify(since)})`);
  const normalized = new Date(parsed).toISOString();
  if (!CANONICAL_TIME.test(normalized)) throw invalidStoreInput(`"since" is out of range (got ${JSON.stringify(since)})`);
  return normalized;
}

/**
 * Parses a stored JSON text. A corrupt one (only possible if someone wrote to the backend by hand) fails with
 * STORE_UNAVAILABLE naming where it is, never what it holds.
 */
export function parseStoredJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // No cause: V8's JSON.parse message quotes the text.
    throw storeUnavailable(`The stored value at ${where} is not valid JSON`);
  }
}

const MAX_AUDIT_RECORD_BYTES = 64 * 1024;

/**
 * Checks the shape of an audit record and refuses secret-looking content: any string that the log redaction
 * (src/logging/redact.ts) would change — bearer/basic credentials, JWTs, docker `auth` blobs, passwords in
 * query strings or URLs — and any string under a key named like a secret (`password`, `token`, `clientSecret`,
 * …; numbers and booleans under such keys, like `tokenCount: 2`, are fine). Storage account keys and SAS signatures are
 * also refused by name, even where redaction would leave them (an empty `SharedAccessSignature=`).
 * The error names the field, never its value.
 */
export function assertAuditRecord(record: AuditRecord): void {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw invalidStoreInput('An audit record must be an object');
  assertCanonicalTime(record.at, 'audit record "at"');
  requireText(record.action, 'action');
  requireText(record.result, 'result');
  optionalText(record.reason, 'reason');
  optionalText(record.requestId, 'requestId');
  if (record.actor !== undefined) {
    if (record.actor === null || typeof record.actor !== 'object') throw invalidStoreInput('audit record "actor" must be an object');
    requireText(record.actor.id, 'actor.id');
    optionalText(record.actor.name, 'actor.name');
  }
  checkMap(record.target, 'target', (v) => typeof v === 'string');
  checkMap(
    record.details,
    'details',
    (v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)),
  );
  const known = new Set(['at', 'action', 'actor', 'target', 'result', 'reason', 'requestId', 'details']);
  for (const key of Object.keys(record)) if (!known.has(key)) throw invalidStoreInput(`audit record has an unknown field "${key}"`);
  if (Buffer.byteLength(JSON.stringify(record), 'utf8') > MAX_AUDIT_RECORD_BYTES) {
    throw invalidStoreInput(`An audit record must be at most ${MAX_AUDIT_RECORD_BYTES} bytes as JSON`);
  }
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '') throw invalidStoreInput(`audit record "${field}" must be a non-empty string`);
  refuseSecret(field, value);
}

function optionalText(value: unknown, field: string): void {
  if (value !== undefined) requireText(value, field);
}

function checkMap(map: unknown, field: string, valueOk: (v: unknown) => boolean): void {
  if (map === undefined) return;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw invalidStoreInput(`audit record "${field}" must be an object`);
  for (const [key, value] of Object.entries(map)) {
    if (!valueOk(value)) throw invalidStoreInput(`audit record "${field}.${key}" has a value of the wrong type`);
    if (typeof value === 'string') refuseSecret(`${field}.${key}`, value, key);
  }
}

/** Storage account keys and SAS signatures: `AccountKey=…`, `SharedAccessSignature=…`, `sig=…`. */
const STORAGE_SECRET = /\bAccountKey=|\bSharedAccessSignature=|[?&]sig=|\bsig=[A-Za-z0-9%+/=]{10,}/i;

function refuseSecret(field: string, value: string, key = field.split('.').pop()!): void {
  const redactedByPattern = redactText(value) !== value;
  const redactedByKey = (redactValue({ [key]: value }) as Record<string, unknown>)[key] !== value;
  if (redactedByPattern || redactedByKey || STORAGE_SECRET.test(value)) {
    throw invalidStoreInput(`audit record "${field}" looks like it holds a secret; audit records must never contain secrets`);
  }
}
