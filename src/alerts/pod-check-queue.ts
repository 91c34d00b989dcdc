import { describeError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';

export interface PodCheckLimits {
  /** Checks running at once, in the whole process. */
  concurrency: number;
  /** Checks waiting for their turn; past it, new ones are refused. */
  backlog: number;
}

/**
 * Four reads at a time keep the API server and the process calm (each check may retry its read five times and then
 * diagnose); a thousand waiting is one full Alertmanager request (its max_alerts) of distinct pods.
 */
export const POD_CHECK_LIMITS: PodCheckLimits = { concurrency: 4, backlog: 1000 };

/** What became of a check offered to the queue. */
export type PodCheckOffer = 'queued' | 'merged' | 'full';

/**
 * The pod checks Alertmanager asks for (read the pod now, diagnose it if it still fails, raise or clear its alert),
 * shared by every request and every cluster of the process: at most `concurrency` run at once; a check of a pod
 * already waiting or running is merged with it (the check reads the pod as it is when it runs); at most `backlog` wait,
 * past which `offer` answers `full` and the webhook asks Alertmanager to retry. Without it one request started up to
 * 1,000 reads at once, each retried up to five times: twenty requests took 1.7 GiB and 19,879 open files.
 */
export class PodCheckQueue {
  /** Waiting checks by key, oldest first. */
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly limits: PodCheckLimits;
  private readonly log: Logger;

  constructor(options: Partial<PodCheckLimits> & { log?: Logger } = {}) {
    this.limits = { concurrency: options.concurrency ?? POD_CHECK_LIMITS.concurrency, backlog: options.backlog ?? POD_CHECK_LIMITS.backlog };
    this.log = (options.log ?? silentLogger()).child({ component: 'pod-check-queue' });
  }

  /** Checks waiting and running. */
  get size(): number {
    return this.waiting.size + this.running.size;
  }

  /** Queues `check` under `key` (cluster, namespace and pod), unless one is waiting or running for it, or the queue is full. */
  offer(key: string, check: () => Promise<void>): PodCheckOffer {
    if (this.waiting.has(key) || this.running.has(key)) return 'merged';
    if (this.waiting.size >= this.limits.backlog) return 'full';
    this.waiting.set(key, check);
    this.pump();
    return 'queued';
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.limits.concurrency && this.waiting.size > 0) {
      const [key, check] = this.waiting.entries().next().value as [string, () => Promise<void>];
      this.waiting.delete(key);
      this.running.add(key);
      void Promise.resolve()
        .then(check)
        .catch((error: unknown) => this.log.error('an Alertmanager pod check failed', { key, code: describeError(error).code }))
        .finally(() => {
          this.running.delete(key);
          this.pump();
          if (this.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        });
    }
  }
}
