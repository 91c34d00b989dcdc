import type { DocumentStore } from './document-store.js';
import type { AppendLog } from './append-log.js';
import type { AuditRecord } from './audit-record.js';

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
