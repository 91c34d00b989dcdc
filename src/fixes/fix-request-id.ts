import { randomBytes } from 'node:crypto';

const ID_BYTES = 18;
/** 18 random bytes → 24 base64url characters, no padding. */
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** A new opaque fix request id: 144 bits from the CSPRNG, base64url. Unguessable, so a card can carry it alone. */
export function newFixRequestId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** Whether `value` has the shape of an id we issue (it may still be unknown). */
export function isFixRequestId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
