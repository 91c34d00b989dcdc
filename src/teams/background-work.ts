import type { Logger } from '../logging/index.js';

/**
 * Work that goes on after the HTTP answer to Teams (which wants one within seconds): a diagnosis whose card replaces
 * the "Diagnosing…" message when it is done. Tracked so that a graceful shutdown can wait for it; a failure is
 * logged, never thrown at whoever started it.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  get size(): number {
    return this.running.size;
  }

  start(name: string, work: () => Promise<void>, log: Logger): void {
    const task = (async () => {
      try {
        await work();
      } catch (error) {
        log.error('background work failed', { work: name, error });
      }
    })();
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Resolves `true` once nothing runs, or `false` when `timeoutMs` passes first. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...this.running]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), left);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) return this.running.size === 0;
    }
    return true;
  }
}
