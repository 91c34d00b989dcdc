import type { Clock } from '../../src/alerts/machinery.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` fires the timers that fall due, in time order, one at a time,
 * letting promise callbacks and I/O that is already complete run between them. Real I/O (HTTPS to a fake server)
 * still takes real time: tests wait for its effects with `waitFor`, or drive with `runUntil`.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start: Date | number = Date.parse('2026-03-02T09:00:00.000Z')) {
    this.time = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the next timer falls due, if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values()) if (next === undefined || t.at < next) next = t.at;
    return next;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due.seq);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = target;
    await settle();
  }

  /**
   * Advances in steps of `stepMs`, giving real I/O `realMs` between steps, until `condition` holds; fails after
   * `maxSteps` (a safety net for a broken implementation, not a timing assertion).
   */
  async runUntil(
    what: string,
    condition: () => boolean,
    stepMs: number,
    options: { maxSteps?: number; realMs?: number } = {},
  ): Promise<void> {
    const maxSteps = options.maxSteps ?? 2000;
    for (let step = 0; !condition(); step++) {
      if (step >= maxSteps) throw new Error(`ManualClock: ${what} did not happen within ${maxSteps} steps of ${stepMs} ms`);
      await this.advance(stepMs);
      await new Promise((resolve) => setTimeout(resolve, options.realMs ?? 2));
    }
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
