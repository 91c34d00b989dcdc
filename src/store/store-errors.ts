import { PullDoctorError } from '../errors/index.js';

type Facts = Record<string, string | number | boolean>;

export function storeConflict(message: string, facts: Facts = {}): PullDoctorError {
  return new PullDoctorError('STORE_CONFLICT', message, { facts });
}

/** The backend failed. `cause` is kept for the logs only: it may name internals, never shown to users. */
export function storeUnavailable(message: string, cause?: unknown, facts: Facts = {}): PullDoctorError {
  return new PullDoctorError('STORE_UNAVAILABLE', message, { cause, facts });
}

export function invalidStoreInput(message: string): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', message);
}

export function storeClosed(): PullDoctorError {
  return storeUnavailable('The store is closed');
}
