import type { Fix } from '../diagnosis/types.js';
import { describeError, isPullDoctorError, type PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { auditAfterTheFact, auditBeforeActing, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext, PullAccess, WriteRetryOptions } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isFinished, type FixOutcome, type FixRequest } from './fix-request.js';
import { rediagnoseAfterFix } from './rediagnosis.js';
import { claimApproved, releaseClaim, renewClaim } from './execution-claim.js';
import { roleAssignmentName } from '../clients/azure/role-assignment-writer.js';
import { forbiddenAdvice, registryNameOf, roleNameOf } from './allowed-fix.js';

export type FixExecution =
  | { kind: 'finished'; request: FixRequest; outcome: FixOutcome }
  /**
   * Nothing was done by this call. `not-approved`: pending, rejected or expired; `already-running`: another
   * executor holds it; `already-finished`: completed or failed before; `claim-lost`: another executor took over
   * while this one waited (it will finish the job).
   */
  | {
      kind: 'skipped';
      reason: 'unknown-request' | 'not-approved' | 'already-running' | 'already-finished' | 'claim-lost';
      request: FixRequest | null;
    };

/**
 * Executes an approved request: claims it (approved → executing, exactly one executor wins), then runs it. Call
 * it right after a successful approval; `resumeInterrupted` calls it for approvals whose process died.
 */
export async function executeFix(ctx: FixContext, id: string, options: { resumed?: boolean } = {}): Promise<FixExecution> {
  const claim = await claimApproved(ctx, id);
  if (!claim.claimed) {
    const request = claim.request;
    if (request === null) {
      // Called after an approval: an absent request was lost with the store's data (see docs/deploy.md).
      if (claim.absent)
        ctx.log.error('no fix request is stored under this id, so nothing was executed; if it was approved, the store lost it', {
          fixRequestId: id,
        });
      return { kind: 'skipped', reason: 'unknown-request', request };
    }
    if (request.status === 'executing') return { kind: 'skipped', reason: 'already-running', request };
    return {
      kind: 'skipped',
      reason: isFinished(request.status) && request.decision?.kind === 'approved' ? 'already-finished' : 'not-approved',
      request,
    };
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
  const claim = request.claim!;
  const log = ctx.log.child({ fixRequestId: request.id, executorId: claim.executorId, round: claim.round });
  await auditBeforeActing(
    ctx.store.audit,
    ctx.log,
    {
      action: FIX_AUDIT_ACTIONS.executionStarted,
      result: 'ok',
      request,
      details: { executorId: claim.executorId, round: claim.round, resumed },
    },
    ctx.now(),
    'The fix was not started and nothing was written to Azure',
  );
  log.info('fix execution started', { resumed });
  const recheck = await recheckAccess(ctx, request, log);
  if (recheck === 'claim-lost') return claimLost(ctx, request, log);
  if ('kind' in recheck) return finish(ctx, request, recheck);
  if (recheck.canPull) return finish(ctx, request, alreadyGranted(request, recheck));
  const written = await writeAssignment(ctx, request, recheck.detail, log);
  return written === 'claim-lost' ? claimLost(ctx, request, log) : finish(ctx, request, written);
}

type Unfinished = Omit<FixOutcome, 'at'>;

/**
 * The outcome when the re-check finds the principal can already pull, nothing written. Who made the grant is told by
 * the granting assignment's name: Pull Doctor's deterministic name for this grant is this request's own when one of
 * its executors sent the PUT (a resumed execution whose first executor died with its PUT in flight: `created`), or
 * an earlier request's; any other name was found already present.
 */
function alreadyGranted(request: FixRequest, recheck: PullAccess): Unfinished {
  const { fix } = request;
  const name = roleAssignmentName(fix.scope, fix.principalId, fix.roleDefinitionId);
  const base = { recheck: recheck.detail, roleAssignmentName: name, writeAttempts: 0, reminder: KUBELET_BACKOFF_REMINDER };
  const ours = recheck.grantedBy?.find((a) => a.name.toLowerCase() === name);
  if (ours !== undefined && (request.assignmentWritesSent ?? 0) > 0) {
    return {
      ...base,
      kind: 'created',
      summary: outcomeSummary.writtenBeforeInterruption(fix, name),
      roleAssignmentId: ours.id,
      writtenBy: 'this-request',
    };
  }
  if (ours !== undefined) {
    return {
      ...base,
      kind: 'already-fixed',
      summary: outcomeSummary.writtenByAnotherRequest(fix, recheck.detail, name),
      roleAssignmentId: ours.id,
      writtenBy: 'another-request',
    };
  }
  const other = recheck.grantedBy?.[0];
  if (other === undefined) return { ...base, kind: 'already-fixed', summary: outcomeSummary.alreadyFixed(fix, recheck.detail) };
  return {
    ...base,
    kind: 'already-fixed',
    summary: outcomeSummary.foundPresent(fix, recheck.detail, other.name),
    roleAssignmentId: other.id,
    writtenBy: 'someone-else',
  };
}

/** Can the principal pull already? Retries what is transient; a failed outcome when it cannot tell. */
async function recheckAccess(ctx: FixContext, request: FixRequest, log: Logger): Promise<PullAccess | Unfinished | 'claim-lost'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.checkPullAccess(request.fix);
    } catch (error) {
      const failure = classifyWriteFailure(error);
      const delay = failure.kind === 'transient' ? retryDelayMs(attempt, failure, ctx.retry) : undefined;
      const advice = describeError(error);
      if (delay === undefined) {
        return {
          kind: 'failed',
          summary: outcomeSummary.recheckFailed(request.fix, advice.message),
          writeAttempts: 0,
          errorCode: advice.code,
          advice: advice.advice,
        };
      }
      log.warn('re-check of pull access failed; retrying', { attempt, delayMs: delay, code: advice.code });
      await ctx.sleep(delay);
      if (!(await renewClaim(ctx, request))) return 'claim-lost';
    }
  }
}

/**
 * PUTs the role assignment under its deterministic name: renews the claim before each attempt, retries 429
 * (after Retry-After) and 5xx (with back-off), and says how it ended.
 */
async function writeAssignment(ctx: FixContext, request: FixRequest, recheck: string, log: Logger): Promise<Unfinished | 'claim-lost'> {
  const { fix } = request;
  const name = roleAssignmentName(fix.scope, fix.principalId, fix.roleDefinitionId);
  const base = { recheck, roleAssignmentName: name };
  for (let attempt = 1; ; attempt++) {
    if (!(await renewClaim(ctx, request, { beforeWrite: true }))) return 'claim-lost';
    try {
      const written = await ctx.writer.createRoleAssignment({
        scope: fix.scope,
        name,
        roleDefinitionId: fix.roleDefinitionId,
        principalId: fix.principalId,
        principalType: 'ServicePrincipal',
      });
      const kind = written.outcome === 'created' ? 'created' : 'exists';
      const summary = kind === 'created' ? outcomeSummary.created(fix) : outcomeSummary.exists(fix);
      return {
        ...base,
        kind,
        summary,
        roleAssignmentId: written.id,
        writeAttempts: attempt,
        reminder: KUBELET_BACKOFF_REMINDER,
        writtenBy: kind === 'created' ? 'this-request' : 'someone-else',
      };
    } catch (error) {
      const failure = classifyWriteFailure(error);
      const advice = describeError(error);
      const failed = { ...base, kind: 'failed' as const, writeAttempts: attempt, errorCode: advice.code };
      switch (failure.kind) {
        case 'exists':
          return {
            ...base,
            kind: 'exists',
            summary: outcomeSummary.exists(fix),
            writeAttempts: attempt,
            reminder: KUBELET_BACKOFF_REMINDER,
            writtenBy: 'someone-else',
          };
        case 'forbidden':
          return {
            ...failed,
            summary: outcomeSummary.forbidden(fix, failure.missingAction ?? 'Microsoft.Authorization/roleAssignments/write'),
            advice: forbiddenAdvice(fix, failure.missingAction),
          };
        case 'fatal':
          return { ...failed, summary: outcomeSummary.failed(fix, advice.message), advice: advice.advice };
        case 'transient': {
          const delay = retryDelayMs(attempt, failure, ctx.retry);
          if (delay === undefined) {
            const tooLong = failure.retryAfterMs !== undefined && attempt < ctx.retry.attempts;
            const why = tooLong ? `throttled, asked to wait ${Math.round(failure.retryAfterMs! / 1000)} s` : advice.title.toLowerCase();
            return { ...failed, summary: outcomeSummary.gaveUp(fix, attempt, why), advice: advice.advice };
          }
          const status = failure.error.facts.status;
          log.warn('role assignment write failed; retrying', { attempt, delayMs: delay, code: advice.code, status });
          await auditAfterTheFact(
            ctx.store.audit,
            ctx.log,
            {
              action: FIX_AUDIT_ACTIONS.writeRetry,
              result: 'retrying',
              request,
              reason: advice.message,
              details: { attempt, delayMs: delay, errorCode: advice.code, ...(typeof status === 'number' ? { status } : {}) },
            },
            ctx.now(),
          );
          await ctx.sleep(delay);
        }
      }
    }
  }
}

async function claimLost(ctx: FixContext, request: FixRequest, log: Logger): Promise<FixExecution> {
  log.warn('lost the claim on the fix request; another executor has it');
  return { kind: 'skipped', reason: 'claim-lost', request: await current(ctx, request.id) };
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
  if (finished === null) return claimLost(ctx, request, ctx.log.child({ fixRequestId: request.id, outcome: outcome.kind }));
  ctx.log.info('fix execution finished', { fixRequestId: request.id, outcome: outcome.kind, writeAttempts: outcome.writeAttempts });
  const details: Record<string, string | number | boolean> = { writeAttempts: outcome.writeAttempts, round: request.claim!.round };
  if (outcome.roleAssignmentName) details.roleAssignmentName = outcome.roleAssignmentName;
  if (outcome.roleAssignmentId) details.roleAssignmentId = outcome.roleAssignmentId;
  if (outcome.errorCode) details.errorCode = outcome.errorCode;
  if (outcome.writtenBy) details.assignmentWrittenBy = outcome.writtenBy;
  await auditAfterTheFact(
    ctx.store.audit,
    ctx.log,
    {
      action: status === 'failed' ? FIX_AUDIT_ACTIONS.failed : FIX_AUDIT_ACTIONS.applied,
      result: outcome.kind,
      request: finished,
      reason: outcome.summary,
      details,
    },
    at,
  );
  if (status === 'failed' || ctx.rediagnose === undefined) return { kind: 'finished', request: finished, outcome };
  const rediagnosed = await rediagnoseAfterFix(ctx, finished, outcome);
  return { kind: 'finished', request: rediagnosed, outcome: rediagnosed.outcome ?? outcome };
}

/** What a failed Azure call means for the fix. */
export type WriteFailure =
  | { kind: 'exists' }
  | { kind: 'transient'; error: PullDoctorError; retryAfterMs?: number }
  | { kind: 'forbidden'; error: PullDoctorError; missingAction?: string }
  | { kind: 'fatal'; error: unknown };

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Sorts an error of the writer (or the access checker): 429 and 5xx (and no answer at all) are worth retrying,
 * 409 RoleAssignmentExists is success, 403 is a missing permission, the rest is final. Reads the facts the Azure
 * client's mapAzureError sets: `status`, `armCode`, `action` (403) and `retryAfterSeconds` (429).
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  if (!isPullDoctorError(error)) return { kind: 'fatal', error };
  const status = num(error.facts.status);
  if (status === 409 && error.facts.armCode === 'RoleAssignmentExists') return { kind: 'exists' };
  if (error.code === 'AZURE_FORBIDDEN') {
    const missingAction = str(error.facts.action);
    return missingAction === undefined ? { kind: 'forbidden', error } : { kind: 'forbidden', error, missingAction };
  }
  if (error.code === 'AZURE_THROTTLED') {
    const seconds = num(error.facts.retryAfterSeconds);
    return seconds === undefined ? { kind: 'transient', error } : { kind: 'transient', error, retryAfterMs: Math.max(0, seconds) * 1000 };
  }
  if (error.code === 'AZURE_API_ERROR' && (status === undefined || status >= 500)) return { kind: 'transient', error };
  return { kind: 'fatal', error };
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up: exponential back-off, or the server's
 * Retry-After when it gave one (never earlier; longer than maxRetryAfterMs is a reason to stop).
 */
export function retryDelayMs(
  attempt: number,
  failure: { retryAfterMs?: number },
  options: Required<WriteRetryOptions>,
): number | undefined {
  if (attempt >= options.attempts) return undefined;
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs > options.maxRetryAfterMs ? undefined : failure.retryAfterMs;
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

/** The sentences an outcome is told in (cards and audit records use the same words). */

export const KUBELET_BACKOFF_REMINDER =
  'The kubelet retries the image pull on its own back-off (up to 5 minutes between attempts): the pod should start within a few minutes, without a restart. Role assignments can also take a minute or two to take effect.';

const grant = (fix: Fix) =>
  `${roleNameOf(fix.roleDefinitionId)} on ${registryNameOf(fix.scope)} for the kubelet identity ${fix.principalId}`;

const outcomeSummary = {
  created: (fix: Fix) => `Granted ${grant(fix)}.`,
  exists: (fix: Fix) => `Azure already had ${grant(fix)}; nothing new was created.`,
  alreadyFixed: (fix: Fix, detail: string) =>
    `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}); nothing was changed.`,
  /** Resumed: the assignment under this grant's deterministic name is there, and this request had sent its PUT. */
  writtenBeforeInterruption: (fix: Fix, name: string) =>
    `Granted ${grant(fix)}: the role assignment ${name} was written by this request before Pull Doctor was interrupted, and found in place on resuming (it has the name Pull Doctor gives this grant); nothing more was changed.`,
  writtenByAnotherRequest: (fix: Fix, detail: string, name: string) =>
    `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}) through the role assignment ${name}, which Pull Doctor wrote for an earlier request for the same grant (it has the name Pull Doctor gives this grant); this request changed nothing.`,
  foundPresent: (fix: Fix, detail: string, name: string) =>
    `The kubelet identity can already pull from ${registryNameOf(fix.scope)} (${detail}) through the role assignment ${name}, found already present (not written by Pull Doctor: another name); nothing was changed.`,
  recheckFailed: (fix: Fix, why: string) =>
    `Could not check the current roles of the kubelet identity on ${registryNameOf(fix.scope)} (${why}), so nothing was changed.`,
  forbidden: (fix: Fix, action: string) => `Azure refused to grant ${grant(fix)}: Pull Doctor's identity lacks ${action} on the registry.`,
  gaveUp: (fix: Fix, attempts: number, why: string) =>
    `Azure kept failing to grant ${grant(fix)} (${why}); gave up after ${attempts} attempts. Check the registry's access control before requesting again.`,
  failed: (fix: Fix, why: string) => `Could not grant ${grant(fix)}: ${why}`,
};
