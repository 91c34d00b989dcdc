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
