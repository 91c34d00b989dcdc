/** `2026-11-26 23:14:05 UTC` from an ISO time; `an unknown time` when it is not one (never the raw input). */
export function formatUtc(iso: string | undefined): string {
  if (iso === undefined) return 'an unknown time';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'an unknown time';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
