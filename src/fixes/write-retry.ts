import { isPullDoctorError, type PullDoctorError } from '../errors/index.js';

export interface WriteRetryOptions {
  /** How many times the role assignment PUT (or the re-check) is tried in all (default 5). */
  attempts?: number;
  /** First back-off, doubled after each failure (default 2 s). */
  baseDelayMs?: number;
  /** Longest back-off (default 30 s). */
  maxDelayMs?: number;
  /** Longest Retry-After honoured; asked to wait longer, the bot gives up instead (default 60 s). */
  maxRetryAfterMs?: number;
}

export const DEFAULT_WRITE_RETRY: Required<WriteRetryOptions> = { attempts: 5, baseDelayMs: 2_000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 };

/** What a failed Azure call means for the fix. */
export type WriteFailure =
  | { kind: 'exists' }
  | { kind: 'transient'; error: PullDoctorError; retryAfterMs?: number }
  | { kind: 'forbidden'; error: PullDoctorError; missingAction?: string }
  | { kind: 'fatal'; error: unknown };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Sorts an error of the writer (or the access checker): 429 and 5xx (and no answer at all) are worth retrying,
 * 409 RoleAssignmentExists is success, 403 is a missing permission, the rest is final. Reads the facts the Azure
 * client's mapAzureError sets: `status`, `armCode`, `action` (403) and `retryAfterSeconds` (429).
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  if (!isPullDoctorError(error)) return { kind: 'fatal', error };
  const status = num(error.facts.status);
  if (status === 409 && error.facts.armCode === 'RoleAssignmentExists') return { kind: 'exists' };
  if (error.code === 'AZURE_FORBIDDEN') {
    const missingAction = str(error.facts.action);
    return missingAction === undefined ? { kind: 'forbidden', error } : { kind: 'forbidden', error, missingAction };
  }
  if (error.code === 'AZURE_THROTTLED') {
    const seconds = num(error.facts.retryAfterSeconds);
    return seconds === undefined ? { kind: 'transient', error } : { kind: 'transient', error, retryAfterMs: Math.max(0, seconds) * 1000 };
  }
  if (error.code === 'AZURE_API_ERROR' && (status === undefined || status >= 500)) return { kind: 'transient', error };
  return { kind: 'fatal', error };
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up: exponential back-off, or the server's
 * Retry-After when it gave one (never earlier; longer than maxRetryAfterMs is a reason to stop).
 */
export function retryDelayMs(attempt: number, failure: { retryAfterMs?: number }, options: Required<WriteRetryOptions>): number | undefined {
  if (attempt >= options.attempts) return undefined;
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs > options.maxRetryAfterMs ? undefined : failure.retryAfterMs;
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}
