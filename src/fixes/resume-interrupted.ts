import { describeError } from '../errors/index.js';
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
          ctx.log.warn('taking over a fix execution whose executor stopped', { fixRequestId: id, previous: value.claim?.executorId, round: claim.request.claim?.round });
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
  await auditAfterTheFact(ctx.store.audit, ctx.log, { action: FIX_AUDIT_ACTIONS.expired, result: 'ok', request: result.value, details: { expiresAt: result.value.expiresAt } }, now);
  return true;
}
