import type { TurnContext } from 'botbuilder';
import type { Logger } from '../logging/index.js';
import type { BackgroundWork } from './background-work.js';

interface FollowUp {
  name: string;
  work: () => Promise<void>;
  log: Logger;
}

const PENDING = Symbol('pull-doctor follow-ups');

/**
 * Work a turn leaves for after its HTTP answer: Teams wants the answer to a message or a button within seconds, and
 * a card sent in answer to an invoke must reach Teams before the follow-up replaces it (otherwise the late answer
 * would overwrite the final card). The endpoint collects a turn's follow-ups with `collect` and starts them once the
 * adapter has written the HTTP response.
 */
export class FollowUps {
  constructor(private readonly background: BackgroundWork) {}

  /** Runs `turn` with a fresh list of follow-ups on the context; returns a function that starts them. */
  async collect(context: TurnContext, turn: () => Promise<void>): Promise<() => void> {
    const pending: FollowUp[] = [];
    const start = () => {
      for (const f of pending.splice(0)) this.background.start(f.name, f.work, f.log);
    };
    context.turnState.set(PENDING, pending);
    try {
      await turn();
    } catch (error) {
      // The turn failed after leaving work: do it anyway (the "Diagnosing…" card would otherwise stay).
      start();
      throw error;
    } finally {
      context.turnState.delete(PENDING);
    }
    return start;
  }

  /** Leaves `work` for after the turn's answer (or starts it now when no endpoint collects follow-ups). */
  defer(context: TurnContext, name: string, work: () => Promise<void>, log: Logger): void {
    const pending = context.turnState.get(PENDING) as FollowUp[] | undefined;
    if (pending) pending.push({ name, work, log });
    else this.background.start(name, work, log);
  }

  idle(timeoutMs: number): Promise<boolean> {
    return this.background.idle(timeoutMs);
  }
}
