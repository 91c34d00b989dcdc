import { describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isStoredFixRequest, type FixRequest } from './fix-request.js';
import { isStaleClaim, takeOverStaleClaim } from './execution-claim.js';
import { executeFix, runClaimed, type FixExecution } from './execute-fix.js';

export interface ResumeReport {
  /** Executions this call ran (approved but never claimed, or claimed by an executor that stopped renewing). */
  resumed: Array<{ id: string; execution: FixExecution }>;
  /** Pending requests past their expiry that this call marked expired. */
  expired: string[];
  /** Requests that could not be resumed now (the store or the audit log failed); a later call tries again. */
  errors: Array<{ id: string; code: string }>;
}

/**
 * Picks up what a stopped process left behind. Run it at start-up and then every minute or so, on every replica:
 * - `approved` (never claimed): claimed and executed;
 * - `executing` whose claim was not renewed for longer than the lease: taken over and executed again. The
 *   execution re-checks the principal's roles before writing, so when the first PUT went through, nothing is
 *   written twice (and the PUT itself is idempotent: same deterministic name);
 * - `pending` past its expiry: marked `expired`.
 * Each move is a compare-and-swap, so replicas running this at the same time never double up.
 */
export async function resumeInterrupted(ctx: FixContext): Promise<ResumeReport> {
  const report: ResumeReport = { resumed: [], expired: [], errors: [] };
  const documents = await ctx.store.documents.list<unknown>(FIX_REQUESTS_COLLECTION);
  for (const { id, value } of documents) {
    if (!isStoredFixRequest(value, id)) {
      ctx.log.error('stored fix request is malformed; leaving it alone', { fixRequestId: id });
      continue;
    }
    try {
      const now = ctx.now();
      if (value.status === 'pending' && now.getTime() >= Date.parse(value.expiresAt)) {
        if (await expire(ctx, id, now)) report.expired.push(id);
      } else if (value.status === 'approved') {
        ctx.log.info('resuming an approved fix request that was never executed', { fixRequestId: id });
        const execution = await executeFix(ctx, id, { resumed: true });
        if (execution.kind === 'finished') report.resumed.push({ id, execution });
      } else if (value.status === 'executing' && isStaleClaim(value.claim, now, ctx.leaseMs)) {
        const claim = await takeOverStaleClaim(ctx, id);
        if (claim.claimed) {
          ctx.log.warn('taking over a fix execution whose executor stopped', {
            fixRequestId: id,
            previous: value.claim?.executorId,
            round: claim.request.claim?.round,
          });
          report.resumed.push({ id, execution: await runClaimed(ctx, claim.request, true) });
        }
      }
    } catch (error) {
      const code = describeError(error).code;
      ctx.log.error('could not resume a fix request', { fixRequestId: id, code, error });
      report.errors.push({ id, code });
    }
  }
  return report;
}

async function expire(ctx: FixContext, id: string, now: Date): Promise<boolean> {
  const result = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, id, (current) =>
    current !== null && isStoredFixRequest(current, id) && current.status === 'pending' && now.getTime() >= Date.parse(current.expiresAt)
      ? { ...current, status: 'expired', expiredAt: now.toISOString() }
      : undefined,
  );
  if (!result?.changed) return false;
  await auditAfterTheFact(
    ctx.store.audit,
    ctx.log,
    { action: FIX_AUDIT_ACTIONS.expired, result: 'ok', request: result.value, details: { expiresAt: result.value.expiresAt } },
    now,
  );
  return true;
}

/** How often the resume loop runs `resumeInterrupted()` (and once at its start). */
export const DEFAULT_RESUME_EVERY_MS = 60_000;

export interface ResumeLoopOptions {
  /** One pass: `FixApprovals.resumeInterrupted`. */
  resume: () => Promise<ResumeReport>;
  /** Told every pass's report before the pass resolves, e.g. to update the cards of what it resumed or expired. */
  onReport?: ((report: ResumeReport) => Promise<void>) | undefined;
  /** Time between passes (default DEFAULT_RESUME_EVERY_MS). */
  everyMs?: number | undefined;
  log: Logger;
}

/**
 * Runs the resume pass at start and then periodically, one pass at a time in this process (a slow execution must
 * not be resumed by the next tick of the same process; other replicas are kept apart by the store). A failed pass is
 * logged and the next one tries again.
 */
export class ResumeLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ResumeReport> | undefined;

  constructor(private readonly options: ResumeLoopOptions) {}

  /** One pass now, or the one under way; resolves with its report once `onReport` has run. */
  resumeNow(): Promise<ResumeReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** A pass now and every `everyMs` from now on. */
  start(): void {
    if (this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.everyMs ?? DEFAULT_RESUME_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits (a few seconds at most) for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const under = this.running;
    if (under) await Promise.race([under.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  private async pass(): Promise<ResumeReport> {
    const report = await this.options.resume();
    if (report.resumed.length + report.expired.length + report.errors.length > 0) {
      this.options.log.info('fix requests resumed', {
        resumed: report.resumed.length,
        expired: report.expired.length,
        errors: report.errors.length,
      });
    }
    await this.options.onReport?.(report);
    return report;
  }

  private tick(): void {
    void this.resumeNow().catch((error: unknown) => {
      this.options.log.error('resuming fix requests failed; trying again at the next pass', { error });
    });
  }
}
