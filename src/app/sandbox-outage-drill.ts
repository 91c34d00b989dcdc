import type { Clock } from '../alerts/machinery.js';
import type { Logger } from '../logging/index.js';
import { breakOutagePod, OUTAGE_IMAGE, OUTAGE_POD, repairOutagePod } from '../sandbox/sandbox-outage.js';
import { SANDBOX_NAMESPACE } from '../sandbox/sandbox-scenarios.js';
import type { SandboxWorld } from '../sandbox/sandbox-world.js';

export interface SandboxOutageDrillOptions {
  world: SandboxWorld;
  clock: Clock;
  /** From `alerts on` to the bad rollout. */
  failAfterMs: number;
  /** From the bad rollout to the rollback. */
  recoverAfterMs: number;
  /** The sandbox's alert grace period, to say when the card is due. */
  gracePeriodMs: number;
  log: Logger;
}

const seconds = (ms: number) => {
  const n = Math.round(ms / 1000);
  return n === 1 ? '1 second' : `${n} seconds`;
};

/**
 * The sandbox's way to try proactive alerts: after `alerts on`, the healthy storefront pod gets a bad rollout (an
 * image tag that does not exist) a few seconds later, and is rolled back a while after. Its alert card reaches the
 * conversation once the grace period has passed, and turns resolved after the rollback. One drill at a time.
 */
export class SandboxOutageDrill {
  private state: 'healthy' | 'scheduled' | 'failing' = 'healthy';
  private readonly timers = new Set<unknown>();
  private stopped = false;

  constructor(private readonly options: SandboxOutageDrillOptions) {}

  /** Starts a drill unless one is under way; returns what to tell the user. */
  announce(): string[] {
    const { failAfterMs, recoverAfterMs, gracePeriodMs } = this.options;
    if (this.stopped) return [];
    if (this.state !== 'healthy') return [`🧪 Sandbox: ${OUTAGE_POD} is already part of a bad rollout; its alert comes here, then turns resolved at the rollback.`];
    this.state = 'scheduled';
    this.after(failAfterMs, () => {
      breakOutagePod(this.options.world.kube, new Date(this.options.clock.now()));
      this.state = 'failing';
      this.options.log.info('sandbox: bad rollout', { namespace: SANDBOX_NAMESPACE, pod: OUTAGE_POD, image: OUTAGE_IMAGE });
      this.after(recoverAfterMs, () => {
        repairOutagePod(this.options.world.kube, new Date(this.options.clock.now()));
        this.state = 'healthy';
        this.options.log.info('sandbox: rolled back', { namespace: SANDBOX_NAMESPACE, pod: OUTAGE_POD });
      });
    });
    return [
      `🧪 Sandbox: in ${seconds(failAfterMs)} the healthy pod ${OUTAGE_POD} gets a bad rollout (${OUTAGE_IMAGE}, a tag that was never pushed). ` +
        `Its alert card should reach this chat about ${seconds(gracePeriodMs)} later, and turn resolved when it is rolled back ${seconds(recoverAfterMs)} after the rollout.`,
    ];
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private after(ms: number, run: () => void): void {
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    this.timers.add(timer);
  }
}
