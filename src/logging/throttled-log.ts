import type { LogFields, Logger, LogLevel } from './logger.js';

export interface ThrottledLogOptions {
  /** Lines written per window; past them, lines are only counted. */
  limit: number;
  windowMs: number;
  /** The message of the line that counts what was left out, e.g. "more requests refused". */
  summary: string;
  level?: LogLevel;
  now?: () => number;
}

/**
 * Lines about something outsiders can cause at will (refused requests, a library's console output): at most `limit`
 * per window, then counted, and one line at the end of the window says how many were left out. A flood costs a few
 * lines a minute instead of one per request.
 */
export class ThrottledLog {
  private readonly now: () => number;
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly options: ThrottledLogOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  write(msg: string, fields?: LogFields): void {
    const now = this.now();
    if (now - this.windowStart >= this.options.windowMs) {
      this.flush();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.options.limit) {
      this.written++;
      this.log[this.options.level ?? 'warn'](msg, fields);
      return;
    }
    this.skipped++;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.options.windowMs - now));
      this.timer.unref();
    }
  }

  /** Writes the count of lines left out so far, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.skipped === 0) return;
    this.log[this.options.level ?? 'warn'](this.options.summary, { count: this.skipped, windowMs: this.options.windowMs });
    this.skipped = 0;
  }
}
