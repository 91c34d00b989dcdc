import type { ErrorCode } from './codes.js';

/**
 * An error we understand. `message` is safe to show to a human (it never contains secrets); `advice` says what
 * the operator can do about it. The original error, if any, stays in `cause` for logs only.
 */
export class PullDoctorError extends Error {
  readonly code: ErrorCode;
  readonly advice?: string;
  /** Extra, non-secret facts (status codes, resource ids) for logs and cards. */
  readonly facts: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { advice?: string; cause?: unknown; facts?: Record<string, string | number | boolean> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PullDoctorError';
    this.code = code;
    if (options.advice !== undefined) this.advice = options.advice;
    this.facts = options.facts ?? {};
  }
}

export function isPullDoctorError(value: unknown): value is PullDoctorError {
  return value instanceof PullDoctorError;
}
