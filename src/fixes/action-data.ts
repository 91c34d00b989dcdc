import { isFixRequestId } from './fix-request-id.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

/**
 * Reads the one thing a card action may carry: the fix request's opaque `id`. Every other field is ignored —
 * the scope, principal and role come from the stored request, never from the card. Returns the id (undefined
 * when there is none of the right shape) and the names of the ignored fields (for the log; values are never read).
 */
export function readFixActionData(data: unknown): { id: string | undefined; ignoredFields: string[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { id: undefined, ignoredFields: [] };
  const record = data as Record<string, unknown>;
  const ignoredFields = Object.keys(record)
    .filter((k) => k !== 'id')
    .map((k) => (FIELD_NAME.test(k) ? k : '(unprintable)'))
    .slice(0, 20);
  return { id: isFixRequestId(record.id) ? record.id : undefined, ignoredFields };
}
