import type { CoreV1Event } from '@kubernetes/client-node';
import { isPullDoctorError, PullDoctorError } from '../errors/index.js';
import { describeCause } from './classify/cause-advice.js';
import { classifyPullError } from './classify/classify-pull-error.js';
import type { Cause, DiagnosisTarget, PodEventSummary } from './types.js';

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

/** How many of a gone pod's events its story keeps (newest first), and how much of one message. */
export const GONE_POD_LIMITS = { events: 10, message: 400 } as const;

/**
 * A pod that no longer exists, as the events that outlive it tell (a cluster keeps events about an hour): what
 * `kubectl describe` would still have shown. Every string comes from the cluster: a card makes it inert.
 */
export interface GonePodStory {
  pod: string;
  namespace: string;
  /** The newest of its events: the pod was there until about then. */
  lastSeen?: string;
  /** When the kubelet stopped its containers (its Killing event): the pod was being deleted. */
  stoppedAt?: string;
  /** The image it could not pull, when its events say so. */
  image?: string;
  /** The cause of that failed pull, or null when its events tell of none. */
  cause: Cause | null;
  /** What its events said, in one sentence without a final period: "it could not pull its image … (unauthorized)". */
  said: string;
  /** Its events, newest first, repeats folded, at most GONE_POD_LIMITS.events. */
  events: PodEventSummary[];
}

const PULLED_IMAGE = /failed to pull(?: and unpack)? image "([^"]{1,500})"/i;

function clip(text: string): string {
  return text.length > GONE_POD_LIMITS.message ? `${text.slice(0, GONE_POD_LIMITS.message - 1)}…` : text;
}

/** The story of a pod that no longer exists, from the events that remain for its name; undefined without any. */
export function gonePodStory(target: DiagnosisTarget, raw: readonly CoreV1Event[]): GonePodStory | undefined {
  const events = summarizeEvents(raw).map((e) => ({ ...e, message: clip(e.message) }));
  const newest = events[0];
  if (!newest) return undefined;
  const lastSeen = events.find((e) => e.lastSeen)?.lastSeen;
  const stoppedAt = events.find((e) => e.reason === 'Killing' && e.lastSeen)?.lastSeen;
  const pull = newestPullFailure(events);
  const warning = events.find((e) => e.type === 'Warning');
  const image = pull ? PULLED_IMAGE.exec(pull.message)?.[1] : undefined;
  const cause = pull ? classifyPullError(pull.message) : null;
  let said: string;
  if (cause) {
    const title = describeCause(cause).title;
    said = `it could not pull its image${image ? ` ${image}` : ''}: ${title.charAt(0).toLowerCase()}${title.slice(1)} (${cause})`;
  } else if (warning) said = `its last warning was ${warning.reason}: ${warning.message}`;
  else said = `its last event was ${newest.reason}: ${newest.message}`;
  return {
    pod: target.pod,
    namespace: target.namespace,
    ...(lastSeen ? { lastSeen } : {}),
    ...(stoppedAt ? { stoppedAt } : {}),
    ...(image ? { image } : {}),
    cause,
    said,
    events: events.slice(0, GONE_POD_LIMITS.events),
  };
}

/** POD_NOT_FOUND for a pod whose events remain: the error says it is gone, and `gone` tells its story. */
export class PodGoneError extends PullDoctorError {
  readonly gone: GonePodStory;
  constructor(message: string, gone: GonePodStory, options: { advice?: string; facts?: Record<string, string> } = {}) {
    super('POD_NOT_FOUND', message, options);
    this.gone = gone;
  }
}

/** The story a POD_NOT_FOUND error carries, when the pod's events remained (read by shape: any copy of the module). */
export function goneStoryOf(error: unknown): GonePodStory | undefined {
  if (!isPullDoctorError(error) || error.code !== 'POD_NOT_FOUND') return undefined;
  const gone = (error as { gone?: unknown }).gone;
  return typeof gone === 'object' && gone !== null && Array.isArray((gone as GonePodStory).events) ? (gone as GonePodStory) : undefined;
}
