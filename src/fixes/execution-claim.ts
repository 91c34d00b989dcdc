import { updateWithRetry } from '../store/index.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, type FixExecutionClaim, type FixRequest } from './fix-request.js';
import { isStoredFixRequest } from './read-fix-request.js';

/**
 * The claim protocol that gives a request exactly one executor among many replicas. Each step is a
 * compare-and-swap on the request document, so of several executors racing for the same step exactly one wins.
 */

export type ClaimResult = { claimed: true; request: FixRequest } | { claimed: false; request: FixRequest | null };

const valid = (value: FixRequest | null, id: string): value is FixRequest => value !== null && isStoredFixRequest(value, id);

/** Whether nobody has renewed the claim for longer than the lease (its executor is presumed dead). */
export function isStaleClaim(claim: FixExecutionClaim | undefined, now: Date, leaseMs: number): boolean {
  return claim === undefined || now.getTime() - Date.parse(claim.renewedAt) > leaseMs;
}

function isMine(request: FixRequest, mine: FixExecutionClaim): boolean {
  return request.status === 'executing' && request.claim?.executorId === mine.executorId && request.claim.round === mine.round;
}

async function swap(ctx: FixContext, id: string, mutate: (current: FixRequest) => FixRequest | undefined): Promise<ClaimResult> {
  const result = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, id, (current) => (valid(current, id) ? mutate(current) : undefined), {
    attempts: 10,
  });
  if (result === null) return { claimed: false, request: null };
  return result.changed ? { claimed: true, request: result.value } : { claimed: false, request: valid(result.value, id) ? result.value : null };
}

/** approved → executing, claimed by this executor. */
export function claimApproved(ctx: FixContext, id: string): Promise<ClaimResult> {
  const at = ctx.now().toISOString();
  return swap(ctx, id, (current) =>
    current.status === 'approved' ? { ...current, status: 'executing', claim: { executorId: ctx.executorId, claimedAt: at, renewedAt: at, round: 1 } } : undefined,
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
  const result = await swap(ctx, request.id, (current) =>
    isMine(current, mine)
      ? { ...current, claim: { ...current.claim!, renewedAt: at }, ...(options.beforeWrite ? { assignmentWritesSent: (current.assignmentWritesSent ?? 0) + 1 } : {}) }
      : undefined,
  );
  return result.claimed;
}

/** executing (ours) → the finished request `finish` makes of it; null when the claim is no longer ours. */
export async function releaseClaim(ctx: FixContext, request: FixRequest, finish: (current: FixRequest) => FixRequest): Promise<FixRequest | null> {
  const mine = request.claim!;
  const result = await swap(ctx, request.id, (current) => (isMine(current, mine) ? finish(current) : undefined));
  return result.claimed ? result.request : null;
}
