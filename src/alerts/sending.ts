import { describeError, isPullDoctorError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { ActivityTracker, Backoff, delay, type AlertMetrics, type Clock } from './machinery.js';

/**
 * Sending alert cards: one queue per conversation, paced by Teams' rate limits, retried after Teams refuses.
 */

/** One thing to bring up to date in a conversation: an alert's card, or a summary card. */
export type SendItem = { kind: 'alert'; key: string } | { kind: 'summary'; id: string };

const itemId = (item: SendItem) => (item.kind === 'alert' ? `a:${item.key}` : `s:${item.id}`);

export interface SendQueueOptions {
  clock: Clock;
  /** Brings one item up to date (reads the store, posts or updates through the channel). */
  process: (conversationId: string, item: SendItem, signal: AbortSignal) => Promise<void>;
  /** Called on 403/404: the bot is no longer in the conversation. */
  onGone: (conversationId: string) => Promise<void>;
  /** Called before an item is retried after a failure, to hold the conversation back. */
  onPause: (conversationId: string, ms: number) => void;
  metrics: AlertMetrics;
  log?: Logger;
  /** Attempts per item before it is parked (default 8). */
  maxAttempts?: number;
  /** How long a parked item waits before it is tried again from scratch (default 5 minutes). */
  parkMs?: number;
  /** Back-off when a failure names no Retry-After (default 1 s doubling to 60 s). */
  backoff?: { initialMs: number; maxMs: number };
  tracker?: ActivityTracker;
}

/**
 * One queue per conversation, worked through one item at a time (so one conversation's messages keep their order
 * and never race), items de-duplicated while they wait (the newest state is read when an item's turn comes).
 * A failed item is retried with the Retry-After of a 429 or a jittered back-off, up to `maxAttempts`; then it
 * is logged as an error, counted, and parked for `parkMs` before it is tried again: never dropped. On 403/404 the
 * conversation is forgotten and its queue emptied.
 */
export class SendQueue {
  private readonly queues = new Map<string, SendItem[]>();
  private readonly queued = new Map<string, Set<string>>();
  private readonly running = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly parked = new Set<unknown>();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  readonly tracker: ActivityTracker;

  constructor(private readonly options: SendQueueOptions) {
    this.log = (options.log ?? silentLogger()).child({ component: 'alert-send-queue' });
    this.tracker = options.tracker ?? new ActivityTracker();
  }

  enqueue(conversationId: string, item: SendItem): void {
    if (this.abort.signal.aborted) return;
    let ids = this.queued.get(conversationId);
    if (!ids) this.queued.set(conversationId, (ids = new Set()));
    const id = itemId(item);
    if (ids.has(id)) return;
    ids.add(id);
    let queue = this.queues.get(conversationId);
    if (!queue) this.queues.set(conversationId, (queue = []));
    queue.push(item);
    if (!this.running.has(conversationId)) void this.work(conversationId);
  }

  /** Items waiting (or in progress), over every conversation. */
  get backlog(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n + this.running.size;
  }

  get parkedCount(): number {
    return this.parked.size;
  }

  /** Stops working: items in progress finish their current operation; waiting items are dropped (the store keeps the truth). */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.parked) this.options.clock.clearTimeout(timer);
    this.parked.clear();
    this.queues.clear();
    this.queued.clear();
    await this.tracker.whenQuiet();
  }

  private async work(conversationId: string): Promise<void> {
    this.running.add(conversationId);
    const end = this.tracker.begin();
    try {
      const queue = this.queues.get(conversationId);
      while (queue && queue.length > 0 && !this.abort.signal.aborted) {
        const item = queue[0]!;
        const id = itemId(item);
        this.queued.get(conversationId)?.delete(id);
        try {
          await this.options.process(conversationId, item, this.abort.signal);
          queue.shift();
          this.attempts.delete(`${conversationId}\u0000${id}`);
        } catch (error) {
          if (this.abort.signal.aborted) break;
          const handled = await this.failed(conversationId, item, error);
          if (handled === 'gone') return;
          if (handled === 'parked') queue.shift();
          else this.queued.get(conversationId)?.add(id);
        }
      }
    } finally {
      this.running.delete(conversationId);
      const queue = this.queues.get(conversationId);
      if (queue && queue.length === 0) {
        this.queues.delete(conversationId);
        this.queued.delete(conversationId);
      }
      end();
    }
  }

  private async failed(conversationId: string, item: SendItem, error: unknown): Promise<'retry' | 'parked' | 'gone'> {
    const now = this.options.clock.now();
    const failure = classifySendFailure(error, now);
    const advice = describeError(error);
    if (failure.kind === 'gone') {
      this.log.warn('the bot is no longer in the conversation: forgetting it', { conversationId, status: failure.status });
      this.options.metrics.inc('alert_conversations_forgotten_total');
      this.queues.delete(conversationId);
      this.queued.delete(conversationId);
      await this.options
        .onGone(conversationId)
        .catch((e) => this.log.error('could not forget the conversation', { conversationId, error: e }));
      return 'gone';
    }
    const attemptKey = `${conversationId}\u0000${itemId(item)}`;
    const attempt = (this.attempts.get(attemptKey) ?? 0) + 1;
    this.attempts.set(attemptKey, attempt);
    if (failure.kind === 'throttled') this.options.metrics.inc('alert_send_throttled_total');
    if (attempt >= (this.options.maxAttempts ?? 8)) {
      this.attempts.delete(attemptKey);
      this.options.metrics.inc('alert_send_failures_total');
      const parkMs = this.options.parkMs ?? 5 * 60_000;
      this.log.error('could not send an alert card; trying again later', {
        conversationId,
        item,
        attempts: attempt,
        code: advice.code,
        reason: advice.message,
        retryInMs: parkMs,
      });
      const timer = this.options.clock.setTimeout(() => {
        this.parked.delete(timer);
        this.enqueue(conversationId, item);
      }, parkMs);
      this.parked.add(timer);
      return 'parked';
    }
    const backoff = new Backoff(this.options.backoff ?? { initialMs: 1000, maxMs: 60_000 });
    for (let i = 1; i < attempt; i++) backoff.next();
    const wait = failure.kind === 'throttled' && failure.retryAfterMs !== undefined ? failure.retryAfterMs : backoff.next();
    this.options.metrics.inc('alert_send_retries_total');
    this.log.warn('sending an alert card failed; retrying', {
      conversationId,
      item,
      attempt,
      kind: failure.kind,
      code: advice.code,
      waitMs: wait,
    });
    this.options.onPause(conversationId, wait);
    return 'retry';
  }
}

type SendFailure =
  /** 429: wait (Retry-After when given), then try again. */
  | { kind: 'throttled'; retryAfterMs?: number }
  /** 403/404: the bot was removed from the conversation (or it was deleted): forget it. */
  | { kind: 'gone'; status: number }
  /** Anything else (412, 5xx, network, the store): try again after a back-off. */
  | { kind: 'transient'; status?: number };

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
function retryAfterMs(value: unknown, now: number): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classifySendFailure(error: unknown, now: number): SendFailure {
  if (isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED') {
    const status = typeof error.facts.status === 'number' ? error.facts.status : Number(error.facts.status);
    if (status === 429) {
      const wait = retryAfterMs(error.facts.retryAfter, now);
      return wait === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterMs: wait };
    }
    if (status === 403 || status === 404) return { kind: 'gone', status };
    return Number.isFinite(status) ? { kind: 'transient', status } : { kind: 'transient' };
  }
  return { kind: 'transient' };
}

/** At most `max` operations in any `periodMs`. */
export interface RateWindow {
  periodMs: number;
  max: number;
}

/**
 * Teams' per bot per thread limits for "Send to conversation" (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit,
 * MicrosoftDocs/msteams-docs msteams-platform/bots/how-to/rate-limit.md): 7 per 1 s, 8 per 2 s, 60 per 30 s,
 * 1800 per 3600 s. Updates count like sends: "All requests are subject to the same rate limiting policy".
 */
export const TEAMS_PER_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { periodMs: 1_000, max: 7 },
  { periodMs: 2_000, max: 8 },
  { periodMs: 30_000, max: 60 },
  { periodMs: 3_600_000, max: 1_800 },
];

/** Same page: "The global limit per app per tenant is 30 Requests Per Second". */
const TEAMS_PER_APP_LIMITS: readonly RateWindow[] = [{ periodMs: 1_000, max: 30 }];

/** Sliding-window log: the times of the operations of the longest window. */
class WindowLog {
  private readonly times: number[] = [];
  constructor(private readonly windows: readonly RateWindow[]) {}

  /** How long to wait from `now` until one more operation fits every window (0: now). */
  waitMs(now: number): number {
    this.prune(now);
    let wait = 0;
    for (const w of this.windows) {
      const inWindow = this.times.filter((t) => t > now - w.periodMs);
      if (inWindow.length >= w.max) {
        const oldestThatMustLeave = inWindow[inWindow.length - w.max]!;
        wait = Math.max(wait, oldestThatMustLeave + w.periodMs - now);
      }
    }
    return wait;
  }

  record(now: number): void {
    this.times.push(now);
  }

  get empty(): boolean {
    return this.times.length === 0;
  }

  prune(now: number): void {
    const longest = Math.max(0, ...this.windows.map((w) => w.periodMs));
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - longest) drop++;
    if (drop > 0) this.times.splice(0, drop);
  }
}

export interface SendRateLimiterOptions {
  clock: Clock;
  perConversation?: readonly RateWindow[];
  perApp?: readonly RateWindow[];
}

/**
 * Paces operations towards Teams: per conversation and for the whole app, plus pauses ordered by a 429's
 * Retry-After. `acquire` waits (on the injected clock) until an operation may go, then counts it.
 */
export class SendRateLimiter {
  private readonly conversations = new Map<string, WindowLog>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly app: WindowLog;
  private readonly clock: Clock;
  private readonly perConversation: readonly RateWindow[];

  constructor(options: SendRateLimiterOptions) {
    this.clock = options.clock;
    this.perConversation = options.perConversation ?? TEAMS_PER_CONVERSATION_LIMITS;
    this.app = new WindowLog(options.perApp ?? TEAMS_PER_APP_LIMITS);
  }

  /** How long an operation towards this conversation would have to wait now. */
  waitMs(conversationId: string): number {
    const now = this.clock.now();
    const paused = Math.max(0, (this.pausedUntil.get(conversationId) ?? 0) - now);
    return Math.max(paused, this.logFor(conversationId).waitMs(now), this.app.waitMs(now));
  }

  async acquire(conversationId: string, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const wait = this.waitMs(conversationId);
      if (wait <= 0) break;
      await delay(this.clock, wait, signal);
    }
    const now = this.clock.now();
    this.logFor(conversationId).record(now);
    this.app.record(now);
    return true;
  }

  /** No operation towards this conversation before `ms` from now (a 429's Retry-After, or a back-off). */
  pause(conversationId: string, ms: number): void {
    const until = this.clock.now() + ms;
    this.pausedUntil.set(conversationId, Math.max(until, this.pausedUntil.get(conversationId) ?? 0));
  }

  forget(conversationId: string): void {
    this.conversations.delete(conversationId);
    this.pausedUntil.delete(conversationId);
  }

  private logFor(conversationId: string): WindowLog {
    let log = this.conversations.get(conversationId);
    if (!log) this.conversations.set(conversationId, (log = new WindowLog(this.perConversation)));
    return log;
  }
}
