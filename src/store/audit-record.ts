import { redactText, redactValue } from '../logging/index.js';
import { invalidStoreInput } from './store-errors.js';
import { assertCanonicalTime } from './validation.js';

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
  checkMap(record.details, 'details', (v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)));
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
