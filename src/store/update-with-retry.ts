import { isPullDoctorError } from '../errors/index.js';
import type { DocumentStore, StoredDocument } from './document-store.js';
import { storeConflict } from './store-errors.js';

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
