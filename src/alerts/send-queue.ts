import { describeError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { ActivityTracker, Backoff, type AlertMetrics, type Clock } from './machinery.js';
import { classifySendFailure } from './alert-channel.js';

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
      await this.options.onGone(conversationId).catch((e) => this.log.error('could not forget the conversation', { conversationId, error: e }));
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
      this.log.error('could not send an alert card; trying again later', { conversationId, item, attempts: attempt, code: advice.code, reason: advice.message, retryInMs: parkMs });
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
    this.log.warn('sending an alert card failed; retrying', { conversationId, item, attempt, kind: failure.kind, code: advice.code, waitMs: wait });
    this.options.onPause(conversationId, wait);
    return 'retry';
  }
}
