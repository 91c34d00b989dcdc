import type { EnvReader } from './env-reader.js';

export const STORE_KINDS = ['sqlite', 'azure-blob'] as const;

export const STORE_KEYS = [
  'STORE_KIND',
  'STORE_SQLITE_PATH',
  'STORE_BLOB_ACCOUNT_URL',
  'STORE_BLOB_CONTAINER',
  'STORE_BLOB_CONNECTION_STRING',
] as const;

export const DEFAULT_SQLITE_PATH = './data/pulldoctor.sqlite';
export const DEFAULT_BLOB_CONTAINER = 'pulldoctor';

/**
 * A configuration value that must never be printed: `String()`, `JSON.stringify`, `util.inspect` and the
 * logger's redaction all see `[redacted]`; only `reveal()` gives the value, at the one place that needs it.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue([redacted])';
  }
}

export interface SqliteStoreConfig {
  kind: 'sqlite';
  /** File of the database; several processes on the same host may open it (WAL). Not on a network share. */
  path: string;
}

export interface BlobStoreConfig {
  kind: 'azure-blob';
  container: string;
  /** `https://<account>.blob.core.windows.net`: production, with an injected TokenCredential (managed identity). */
  accountUrl?: string;
  /** Development and Azurite only. A secret (it holds the account key): never logged. */
  connectionString?: SecretValue;
}

/** Where the bot keeps its state (fix requests, audit log, conversation references, alert de-duplication). */
export type StoreConfig = SqliteStoreConfig | BlobStoreConfig;

/** Container names: 3-63 characters, lowercase letters, digits and single hyphens, starting with a letter or digit. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9](?:-?[a-z0-9])*$/;

export function parseStoreConfig(r: EnvReader): StoreConfig {
  const kind = r.enumeration('STORE_KIND', STORE_KINDS, 'sqlite');
  const sqlitePath = r.string('STORE_SQLITE_PATH', DEFAULT_SQLITE_PATH);
  const accountUrl = r.url('STORE_BLOB_ACCOUNT_URL');
  const container = r.string('STORE_BLOB_CONTAINER', DEFAULT_BLOB_CONTAINER);
  const connectionString = r.string('STORE_BLOB_CONNECTION_STRING');
  if (kind === 'sqlite') return { kind, path: sqlitePath };

  if (!CONTAINER_NAME.test(container)) {
    r.problem(`STORE_BLOB_CONTAINER must be 3-63 lowercase letters, digits or single hyphens (got "${container}")`);
  }
  const out: BlobStoreConfig = { kind, container };
  if (accountUrl !== undefined && connectionString !== undefined) {
    r.problem('Set either STORE_BLOB_ACCOUNT_URL (managed identity) or STORE_BLOB_CONNECTION_STRING (development), not both');
  } else if (accountUrl === undefined && connectionString === undefined) {
    r.problem('STORE_KIND=azure-blob needs STORE_BLOB_ACCOUNT_URL (or STORE_BLOB_CONNECTION_STRING for development)');
  }
  if (accountUrl !== undefined) out.accountUrl = accountUrl;
  if (connectionString !== undefined) {
    if (!/(^|;)\s*(BlobEndpoint|AccountName)\s*=/i.test(connectionString) && connectionString !== 'UseDevelopmentStorage=true') {
      // Never echo the value: it holds the account key.
      r.problem('STORE_BLOB_CONNECTION_STRING does not look like a storage connection string (no AccountName or BlobEndpoint)');
    }
    out.connectionString = new SecretValue(connectionString);
  }
  return out;
}
