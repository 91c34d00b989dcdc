import { PullDoctorError } from '../errors/index.js';

type Facts = Record<string, string | number | boolean>;

export function storeConflict(message: string, facts: Facts = {}): PullDoctorError {
  return new PullDoctorError('STORE_CONFLICT', message, { facts });
}

/**
 * The backend failed. `cause` is kept for the logs only: it may name internals, never shown to users. `advice`
 * says what to do about this backend's failure (a local SQLite file is not a storage account).
 */
export function storeUnavailable(message: string, cause?: unknown, facts: Facts = {}, advice?: string): PullDoctorError {
  return new PullDoctorError('STORE_UNAVAILABLE', message, { cause, facts, ...(advice === undefined ? {} : { advice }) });
}

export function invalidStoreInput(message: string): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', message);
}

export function storeClosed(): PullDoctorError {
  return storeUnavailable('The store is closed');
}
