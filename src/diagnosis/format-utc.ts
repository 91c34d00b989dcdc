/**
 * `2026-11-27 04:12:01 UTC`: the one way Pull Doctor shows a time, in diagnosis details, cards and chat messages
 * alike (no milliseconds, no `T…Z` in one place and `UTC` in another).
 *
 * What is not a time becomes `ifNotATime`, and the callers differ on purpose: cards and messages keep the default,
 * `an unknown time`, so they never echo raw input; the diagnosis passes the text Kubernetes gave, so a finding's
 * detail shows what the API said.
 */
export function formatUtc(time: string | Date | undefined, ifNotATime = 'an unknown time'): string {
  if (time === undefined) return ifNotATime;
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return ifNotATime;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
