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
