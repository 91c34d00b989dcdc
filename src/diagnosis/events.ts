import type { CoreV1Event } from '@kubernetes/client-node';
import type { PodEventSummary } from './types.js';

function toIso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The time an event was last seen, from whichever field the API server filled in. */
function eventLastSeen(e: CoreV1Event): string | undefined {
  return (
    toIso(e.series?.lastObservedTime as Date | string | undefined) ??
    toIso(e.lastTimestamp) ??
    toIso(e.eventTime as Date | string | undefined) ??
    toIso(e.firstTimestamp) ??
    toIso(e.metadata?.creationTimestamp)
  );
}

function eventCount(e: CoreV1Event): number {
  return Math.max(e.count ?? 0, e.series?.count ?? 0, 1);
}

/**
 * The pod's events, newest first, with repeats (same type, reason and message) folded into one entry whose
 * count is the sum and whose time is the newest.
 */
export function summarizeEvents(events: readonly CoreV1Event[]): PodEventSummary[] {
  const byKey = new Map<string, PodEventSummary>();
  for (const e of events) {
    const type = e.type ?? 'Normal';
    const reason = e.reason ?? '';
    const message = (e.message ?? '').trim();
    const key = `${type}\u0000${reason}\u0000${message}`;
    const lastSeen = eventLastSeen(e);
    const existing = byKey.get(key);
    if (existing) {
      existing.count += eventCount(e);
      if (lastSeen && (!existing.lastSeen || lastSeen > existing.lastSeen)) existing.lastSeen = lastSeen;
    } else {
      const summary: PodEventSummary = { type, reason, message, count: eventCount(e) };
      if (lastSeen) summary.lastSeen = lastSeen;
      byKey.set(key, summary);
    }
  }
  return [...byKey.values()].sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
}

/** The newest event that explains a failed pull of `image` (reason Failed, "Failed to pull image"). */
export function newestPullFailure(events: readonly PodEventSummary[], image?: string): PodEventSummary | undefined {
  const failures = events.filter((e) => e.reason === 'Failed' && /failed to pull( and unpack)? image/i.test(e.message));
  if (image) {
    const forImage = failures.find((e) => e.message.includes(`"${image}"`));
    if (forImage) return forImage;
  }
  return failures[0];
}
