/**
 * What every part of the alert machinery shares: the clock and its timers, back-off, the count of work in progress,
 * and the counters of what it did.
 */

/**
 * Time as the alert machinery sees it: the current time and timers, injected so that tests can move time forward
 * instead of waiting (a grace period of two minutes, a lease of fifteen seconds, a Retry-After of thirty).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. Its timers do not keep the process alive on their own (the server does). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on `clock`, or at once (resolving, not rejecting) when `signal` aborts. */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Exponential back-off with jitter, bounded: the n-th wait is between half and all of min(max, initial·2ⁿ), so
 * that replicas and reconnecting watches do not retry in step, and never wait longer than `maxMs`.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Source of randomness in [0, 1); injected by tests. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.initialMs > 0 && options.maxMs >= options.initialMs)) throw new RangeError('backoff needs 0 < initialMs <= maxMs');
    this.random = options.random ?? Math.random;
  }

  /** How many waits were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Counts work in progress (a grace-period check, a send to Teams), so that `stop()` can let it finish and tests can
 * wait until the machinery has nothing left to do without guessing a sleep. Waiting on a timer is not work.
 */
export class ActivityTracker {
  private active = 0;
  private waiters: Array<() => void> = [];

  get busy(): number {
    return this.active;
  }

  /** Marks one piece of work as started; call the returned function (once) when it is done. */
  begin(): () => void {
    this.active += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active -= 1;
      if (this.active === 0) this.wake();
    };
  }

  /** Waits for `promise` without counting as busy (work that waits on a timer is not in progress). */
  async idleWhile<T>(promise: Promise<T>): Promise<T> {
    this.active -= 1;
    if (this.active === 0) this.wake();
    try {
      return await promise;
    } finally {
      this.active += 1;
    }
  }

  /** Runs `work` as one piece of work. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** Resolves when no work is in progress. */
  whenQuiet(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Counters of what the alert machinery did, named like Prometheus counters (`name{label="value"}`): raised and
 * resolved alerts, messages posted and updated, 429s, retries, sends given up, watch errors, leadership changes.
 * A snapshot is plain data for a /metrics endpoint or a test.
 */
export type AlertMetricName =
  | 'alerts_raised_total'
  | 'alerts_updated_total'
  | 'alerts_resolved_total'
  | 'alert_messages_posted_total'
  | 'alert_messages_updated_total'
  | 'alert_send_throttled_total'
  | 'alert_send_retries_total'
  | 'alert_send_failures_total'
  | 'alert_undeliverable_total'
  | 'alert_conversations_forgotten_total'
  | 'alert_diagnoses_total'
  | 'alert_diagnoses_reused_total'
  | 'alert_diagnosis_errors_total'
  | 'alert_watch_errors_total'
  | 'alert_watch_restarts_total'
  | 'alert_leader_transitions_total'
  | 'alertmanager_requests_total';

export class AlertMetrics {
  private readonly counters = new Map<string, number>();

  inc(name: AlertMetricName, labels: Record<string, string> = {}, by = 1): void {
    const key = seriesKey(name, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** The value of one series (0 when never incremented). */
  get(name: AlertMetricName, labels: Record<string, string> = {}): number {
    return this.counters.get(seriesKey(name, labels)) ?? 0;
  }

  /** The sum over every series of a counter, whatever its labels. */
  total(name: AlertMetricName): number {
    let sum = 0;
    for (const [key, value] of this.counters) if (key === name || key.startsWith(`${name}{`)) sum += value;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => a.localeCompare(b)));
  }
}

function seriesKey(name: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
