import type { CoreV1Event } from '@kubernetes/client-node';
import type { PodEventSummary } from './types.js';

/**
 * A time field of an event as ISO text, or undefined when the API server left it empty. Real events carry `null` for
 * the fields they do not use (events.k8s.io-style events: `lastTimestamp` and `firstTimestamp`; older ones:
 * `eventTime`), and the SDK passes null through: `new Date(null)` would be 1970-01-01, so null is "not set". So is
 * a zero time (0001-01-01T00:00:00Z, Go's zero value, which some clients write) and anything before 1971.
 */
function toIso(value: Date | string | null | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const d = value instanceof Date ? value : new Date(value);
  const t = d.getTime();
  return Number.isNaN(t) || t < NOT_BEFORE ? undefined : d.toISOString();
}

/** No real event is older than this; earlier times are unset fields (the Unix epoch, Go's zero time). */
const NOT_BEFORE = Date.UTC(1971, 0, 1);

/**
 * The time an event was last seen, as `kubectl get events` reads it: a series' last observation, else the
 * deprecated `lastTimestamp` (set by the core/v1 API and kubelets), else `eventTime` (events.k8s.io: the scheduler,
 * newer controllers), else the first time, else when the object was created.
 */
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
