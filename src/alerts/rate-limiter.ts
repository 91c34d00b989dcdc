import { delay, type Clock } from './machinery.js';

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
export const TEAMS_PER_APP_LIMITS: readonly RateWindow[] = [{ periodMs: 1_000, max: 30 }];

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
