import { describeError } from '../errors/index.js';
import { redactText } from '../logging/index.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, auditBeforeActing, FIX_AUDIT_ACTIONS, type FixAuditEvent } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isFinished, type FixOutcome, type FixRequest, type RediagnosisRecord } from './fix-request.js';
import { claimApproved, releaseClaim, renewClaim } from './execution-claim.js';
import { forbiddenAdvice } from './forbidden-advice.js';
import { KUBELET_BACKOFF_REMINDER, outcomeSummary } from './fix-outcomes.js';
import { roleAssignmentName } from './role-assignment-name.js';
import { classifyWriteFailure, retryDelayMs } from './write-retry.js';

export type FixExecution =
  | { kind: 'finished'; request: FixRequest; outcome: FixOutcome }
  /**
   * Nothing was done by this call. `not-approved`: pending, rejected or expired; `already-running`: another
   * executor holds it; `already-finished`: completed or failed before; `claim-lost`: another executor took over
   * while this one waited (it will finish the job).
   */
  | { kind: 'skipped'; reason: 'unknown-request' | 'not-approved' | 'already-running' | 'already-finished' | 'claim-lost'; request: FixRequest | null };

const MAX_SUMMARY = 500;

/**
 * Executes an approved request: claims it (approved → executing, exactly one executor wins), then runs it. Call
 * it right after a successful approval; `resumeInterrupted` calls it for approvals whose process died.
 */
export async function executeFix(ctx: FixContext, id: string, options: { resumed?: boolean } = {}): Promise<FixExecution> {
  const claim = await claimApproved(ctx, id);
  if (!claim.claimed) {
    const request = claim.request;
    if (request === null) return { kind: 'skipped', reason: 'unknown-request', request };
    if (request.status === 'executing') return { kind: 'skipped', reason: 'already-running', request };
    return { kind: 'skipped', reason: isFinished(request.status) && request.decision?.kind === 'approved' ? 'already-finished' : 'not-approved', request };
  }
  return runClaimed(ctx, claim.request, options.resumed ?? false);
}

/**
 * Runs a request this executor has claimed: audit the start; re-check the principal's access (if it can pull
 * already, nothing is written — which is what makes a resumed execution safe after a PUT that went through);
 * PUT the role assignment under its deterministic name, renewing the claim before each attempt and retrying 429
 * and 5xx with bounded back-off; record the outcome; re-run the diagnosis.
 */
export async function runClaimed(ctx: FixContext, request: FixRequest, resumed: boolean): Promise<FixExecution> {
  const { fix } = request;
  const claim = request.claim!;
  const log = ctx.log.child({ fixRequestId: request.id, executorId: claim.executorId, round: claim.round });
  await auditBeforeActing(
    ctx.store.audit,
    { action: FIX_AUDIT_ACTIONS.executionStarted, result: 'ok', request, details: { executorId: claim.executorId, round: claim.round, resumed } },
    ctx.now(),
  );
  log.info('fix execution started', { resumed });

  let recheck: { canPull: boolean; detail: string } | undefined;
  for (let attempt = 1; recheck === undefined; attempt++) {
    try {
      recheck = await ctx.checkPullAccess(fix);
    } catch (error) {
      const failure = classifyWriteFailure(error);
      const delay = failure.kind === 'transient' ? retryDelayMs(attempt, failure, ctx.retry) : undefined;
      if (delay === undefined) {
        const advice = describeError(error);
        return finish(ctx, request, {
          kind: 'failed',
          summary: outcomeSummary.recheckFailed(fix, advice.message),
          writeAttempts: 0,
          errorCode: advice.code,
          advice: advice.advice,
        });
      }
      log.warn('re-check of pull access failed; retrying', { attempt, delayMs: delay, code: describeError(error).code });
      await ctx.sleep(delay);
    }
  }
  if (recheck.canPull) {
    return finish(ctx, request, { kind: 'already-fixed', summary: outcomeSummary.alreadyFixed(fix, recheck.detail), recheck: recheck.detail, writeAttempts: 0, reminder: KUBELET_BACKOFF_REMINDER });
  }

  const name = roleAssignmentName(fix.scope, fix.principalId, fix.roleDefinitionId);
  const base = { recheck: recheck.detail, roleAssignmentName: name };
  for (let attempt = 1; ; attempt++) {
    if (!(await renewClaim(ctx, request))) {
      log.warn('lost the claim on the fix request before writing; another executor has it');
      return { kind: 'skipped', reason: 'claim-lost', request: await current(ctx, request.id) };
    }
    try {
      const written = await ctx.writer.createRoleAssignment({
        scope: fix.scope,
        name,
        roleDefinitionId: fix.roleDefinitionId,
        principalId: fix.principalId,
        principalType: 'ServicePrincipal',
      });
      const kind = written.outcome === 'created' ? 'created' : 'exists';
      return finish(ctx, request, {
        ...base,
        kind,
        summary: kind === 'created' ? outcomeSummary.created(fix) : outcomeSummary.exists(fix),
        roleAssignmentId: written.id,
        writeAttempts: attempt,
        reminder: KUBELET_BACKOFF_REMINDER,
      });
    } catch (error) {
      const failure = classifyWriteFailure(error);
      const advice = describeError(error);
      if (failure.kind === 'exists') {
        return finish(ctx, request, { ...base, kind: 'exists', summary: outcomeSummary.exists(fix), writeAttempts: attempt, reminder: KUBELET_BACKOFF_REMINDER });
      }
      if (failure.kind === 'forbidden') {
        const action = failure.missingAction ?? 'Microsoft.Authorization/roleAssignments/write';
        return finish(ctx, request, {
          ...base,
          kind: 'failed',
          summary: outcomeSummary.forbidden(fix, action),
          writeAttempts: attempt,
          errorCode: advice.code,
          advice: forbiddenAdvice(fix, failure.missingAction),
        });
      }
      if (failure.kind === 'fatal') {
        return finish(ctx, request, { ...base, kind: 'failed', summary: outcomeSummary.failed(fix, advice.message), writeAttempts: attempt, errorCode: advice.code, advice: advice.advice });
      }
      const delay = retryDelayMs(attempt, failure, ctx.retry);
      if (delay === undefined) {
        const why = failure.retryAfterMs !== undefined && attempt < ctx.retry.attempts ? `throttled, asked to wait ${Math.round(failure.retryAfterMs / 1000)} s` : advice.title.toLowerCase();
        return finish(ctx, request, { ...base, kind: 'failed', summary: outcomeSummary.gaveUp(fix, attempt, why), writeAttempts: attempt, errorCode: advice.code, advice: advice.advice });
      }
      log.warn('role assignment write failed; retrying', { attempt, delayMs: delay, code: advice.code, status: failure.error.facts.status });
      await auditAfterTheFact(
        ctx.store.audit,
        ctx.log,
        {
          action: FIX_AUDIT_ACTIONS.writeRetry,
          result: 'retrying',
          request,
          reason: advice.message,
          details: { attempt, delayMs: delay, errorCode: advice.code, ...(typeof failure.error.facts.status === 'number' ? { status: failure.error.facts.status } : {}) },
        },
        ctx.now(),
      );
      await ctx.sleep(delay);
    }
  }
}

async function current(ctx: FixContext, id: string): Promise<FixRequest | null> {
  return (await ctx.store.documents.get<FixRequest>(FIX_REQUESTS_COLLECTION, id))?.value ?? null;
}

/** Stores the outcome (only while the claim is ours), audits it, and re-runs the diagnosis after a success. */
async function finish(ctx: FixContext, request: FixRequest, result: Omit<FixOutcome, 'at'>): Promise<FixExecution> {
  const at = ctx.now();
  const outcome: FixOutcome = { ...result, at: at.toISOString() };
  const status = outcome.kind === 'failed' ? 'failed' : 'completed';
  const finished = await releaseClaim(ctx, request, (cur) => ({ ...cur, status, outcome }));
  if (finished === null) {
    ctx.log.warn('lost the claim on the fix request before recording its outcome; another executor has it', { fixRequestId: request.id, outcome: outcome.kind });
    return { kind: 'skipped', reason: 'claim-lost', request: await current(ctx, request.id) };
  }
  ctx.log.info('fix execution finished', { fixRequestId: request.id, outcome: outcome.kind, writeAttempts: outcome.writeAttempts });
  const details: Record<string, string | number | boolean> = { writeAttempts: outcome.writeAttempts, round: request.claim!.round };
  if (outcome.roleAssignmentName) details.roleAssignmentName = outcome.roleAssignmentName;
  if (outcome.roleAssignmentId) details.roleAssignmentId = outcome.roleAssignmentId;
  if (outcome.errorCode) details.errorCode = outcome.errorCode;
  await auditAfterTheFact(
    ctx.store.audit,
    ctx.log,
    { action: status === 'failed' ? FIX_AUDIT_ACTIONS.failed : FIX_AUDIT_ACTIONS.applied, result: outcome.kind, request: finished, reason: outcome.summary, details },
    at,
  );
  if (status === 'failed' || ctx.rediagnose === undefined) return { kind: 'finished', request: finished, outcome };
  return rediagnose(ctx, finished, outcome);
}

async function rediagnose(ctx: FixContext, request: FixRequest, outcome: FixOutcome): Promise<FixExecution> {
  let record: RediagnosisRecord;
  try {
    const summary = await ctx.rediagnose!(request);
    const text = redactText(String(summary.summary ?? ''));
    record = { at: ctx.now().toISOString(), verdict: summary.verdict, cause: summary.cause, summary: text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text };
  } catch (error) {
    ctx.log.warn('re-diagnosis after the fix failed', { fixRequestId: request.id, error });
    record = { at: ctx.now().toISOString(), error: describeError(error).message };
  }
  const stored = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, request.id, (cur) =>
    cur !== null && cur.status === 'completed' && cur.outcome?.at === outcome.at && cur.outcome.rediagnosis === undefined
      ? { ...cur, outcome: { ...cur.outcome, rediagnosis: record } }
      : undefined,
  );
  const event: FixAuditEvent =
    'verdict' in record
      ? { action: FIX_AUDIT_ACTIONS.rediagnosed, result: record.verdict, request, ...(record.summary ? { reason: record.summary } : {}), ...(record.cause ? { details: { cause: record.cause } } : {}) }
      : { action: FIX_AUDIT_ACTIONS.rediagnosed, result: 'error', request, reason: record.error };
  await auditAfterTheFact(ctx.store.audit, ctx.log, event, ctx.now());
  const final = stored?.changed ? stored.value : request;
  return { kind: 'finished', request: final, outcome: final.outcome ?? outcome };
}
