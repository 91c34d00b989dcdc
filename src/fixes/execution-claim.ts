import { isPullDoctorError } from '../errors/index.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isStoredFixRequest, type FixExecutionClaim, type FixRequest } from './fix-request.js';

/**
 * The claim protocol that gives a request exactly one executor among many replicas. Each step is a
 * compare-and-swap on the request document, so of several executors racing for the same step exactly one wins.
 */

/** `absent`: no document at all under the id (as opposed to one that is not a valid request). */
export type ClaimResult = { claimed: true; request: FixRequest } | { claimed: false; request: FixRequest | null; absent?: true };

const valid = (value: FixRequest | null, id: string): value is FixRequest => value !== null && isStoredFixRequest(value, id);

/** Whether nobody has renewed the claim for longer than the lease (its executor is presumed dead). */
export function isStaleClaim(claim: FixExecutionClaim | undefined, now: Date, leaseMs: number): boolean {
  return claim === undefined || now.getTime() - Date.parse(claim.renewedAt) > leaseMs;
}

function isMine(request: FixRequest, mine: FixExecutionClaim): boolean {
  return request.status === 'executing' && request.claim?.executorId === mine.executorId && request.claim.round === mine.round;
}

async function swap(ctx: FixContext, id: string, mutate: (current: FixRequest) => FixRequest | undefined): Promise<ClaimResult> {
  const result = await updateWithRetry<FixRequest>(
    ctx.store.documents,
    FIX_REQUESTS_COLLECTION,
    id,
    (current) => (valid(current, id) ? mutate(current) : undefined),
    {
      attempts: 10,
    },
  );
  if (result === null) return { claimed: false, request: null, absent: true };
  return result.changed
    ? { claimed: true, request: result.value }
    : { claimed: false, request: valid(result.value, id) ? result.value : null };
}

/** approved → executing, claimed by this executor. */
export function claimApproved(ctx: FixContext, id: string): Promise<ClaimResult> {
  const at = ctx.now().toISOString();
  return swap(ctx, id, (current) =>
    current.status === 'approved'
      ? { ...current, status: 'executing', claim: { executorId: ctx.executorId, claimedAt: at, renewedAt: at, round: 1 } }
      : undefined,
  );
}

/** executing with a stale claim → executing, claimed by this executor for the next round. */
export function takeOverStaleClaim(ctx: FixContext, id: string): Promise<ClaimResult> {
  const now = ctx.now();
  const at = now.toISOString();
  return swap(ctx, id, (current) =>
    current.status === 'executing' && isStaleClaim(current.claim, now, ctx.leaseMs)
      ? { ...current, claim: { executorId: ctx.executorId, claimedAt: at, renewedAt: at, round: (current.claim?.round ?? 0) + 1 } }
      : undefined,
  );
}

/**
 * Renews this executor's claim; false when it is no longer ours (taken over, or finished by someone else).
 * `beforeWrite`: a role assignment PUT follows at once, and is counted in `assignmentWritesSent`.
 */
export async function renewClaim(ctx: FixContext, request: FixRequest, options: { beforeWrite?: boolean } = {}): Promise<boolean> {
  const mine = request.claim!;
  const at = ctx.now().toISOString();
  const renew = (current: FixRequest): FixRequest => {
    const next: FixRequest = { ...current, claim: { ...current.claim!, renewedAt: at } };
    if (options.beforeWrite) next.assignmentWritesSent = (current.assignmentWritesSent ?? 0) + 1;
    return next;
  };
  const result = await swap(ctx, request.id, (current) => (isMine(current, mine) ? renew(current) : undefined));
  if (result.claimed) return true;
  return result.absent === true && (await restoreVanished(ctx, renew(request))) !== null;
}

/** executing (ours) → the finished request `finish` makes of it; null when the claim is no longer ours. */
export async function releaseClaim(
  ctx: FixContext,
  request: FixRequest,
  finish: (current: FixRequest) => FixRequest,
): Promise<FixRequest | null> {
  const mine = request.claim!;
  const result = await swap(ctx, request.id, (current) => (isMine(current, mine) ? finish(current) : undefined));
  if (result.claimed) return result.request;
  return result.absent === true ? restoreVanished(ctx, finish(request)) : null;
}

/**
 * The request's document vanished while this executor held its claim. Fix requests are never deleted, so the store
 * lost it (a Blob container deleted and created again, a file restored from an older backup). The executor's copy
 * is the latest state anyone acted on: it is written back (create-if-absent, so of several executors at most one
 * does) and the execution goes on, logged at error level and audited as `fix.restored`. The request, or null when
 * another executor wrote it back first.
 */
async function restoreVanished(ctx: FixContext, request: FixRequest): Promise<FixRequest | null> {
  try {
    await ctx.store.documents.create(FIX_REQUESTS_COLLECTION, request.id, request);
  } catch (error) {
    if (isPullDoctorError(error) && error.code === 'STORE_CONFLICT') return null;
    throw error;
  }
  ctx.log.error('a fix request vanished from the store while this executor held it; wrote it back from its own copy', {
    fixRequestId: request.id,
    status: request.status,
  });
  await auditAfterTheFact(
    ctx.store.audit,
    ctx.log,
    {
      action: FIX_AUDIT_ACTIONS.restored,
      result: 'ok',
      request,
      reason:
        "The request's record vanished from the store (the store lost its data) while Pull Doctor was executing it; it was written back from the executor's copy.",
      details: { status: request.status, round: request.claim?.round ?? 0 },
    },
    ctx.now(),
  );
  return request;
}
