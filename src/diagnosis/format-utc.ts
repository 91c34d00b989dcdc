/**
 * `2026-11-27 04:12:01 UTC`: the one way a diagnosis shows a time, the same as the Teams cards' (no milliseconds,
 * no `T…Z` in one place and `UTC` in another). Anything that is not a time is returned as it is.
 */
export function formatUtcTime(time: string | Date): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
