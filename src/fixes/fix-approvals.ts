import { PullDoctorError } from '../errors/index.js';
import { updateWithRetry } from '../store/index.js';
import { decideFix, type FixDecisionInput, type FixDecisionResult } from './decide-fix.js';
import { executeFix, type FixExecution } from './execute-fix.js';
import { fixContext, type FixApprovalsDeps } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isFixRequestId, isStoredFixRequest, type FixRequest } from './fix-request.js';
import { requestFix, type NewFixRequest } from './request-fix.js';
import { resumeInterrupted, type ResumeReport } from './resume-interrupted.js';

/** The fix approval flow, independent of any transport. One per process; every replica shares the store. */
export interface FixApprovals {
  /** Stores a pending request (the card then carries only its id) and audits it. INVALID_INPUT / FIX_REFUSED. */
  request(input: NewFixRequest): Promise<FixRequest>;
  /** The request, or null when the id is unknown, malformed, or names something that is not a valid request. */
  get(id: string): Promise<FixRequest | null>;
  /** Remembers the approval card's message id so the transport can update the card later. */
  setApprovalCardMessageId(id: string, messageId: string): Promise<FixRequest>;
  /** Approve or reject; refusals change nothing and say why. See decideFix. */
  decide(input: FixDecisionInput): Promise<FixDecisionResult>;
  /** Claims and runs an approved request (exactly one caller wins). See executeFix. */
  execute(id: string): Promise<FixExecution>;
  /** Resumes what stopped processes left; run at start-up and periodically. See resumeInterrupted. */
  resumeInterrupted(): Promise<ResumeReport>;
}

export function createFixApprovals(deps: FixApprovalsDeps): FixApprovals {
  const ctx = fixContext(deps);
  return {
    request: (input) => requestFix(ctx, input),
    async get(id) {
      if (!isFixRequestId(id)) return null;
      const stored = await ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, id);
      return stored !== null && isStoredFixRequest(stored.value, id) ? stored.value : null;
    },
    async setApprovalCardMessageId(id, messageId) {
      if (typeof messageId !== 'string' || messageId === '' || messageId.length > 512) throw new PullDoctorError('INVALID_INPUT', 'A message id must be 1 to 512 characters');
      const result = isFixRequestId(id)
        ? await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, id, (current) =>
            current !== null && isStoredFixRequest(current, id) && current.approvalCardMessageId !== messageId ? { ...current, approvalCardMessageId: messageId } : undefined,
          )
        : null;
      if (result === null || !isStoredFixRequest(result.value, id)) throw new PullDoctorError('INVALID_INPUT', 'There is no such fix request');
      return result.value;
    },
    decide: (input) => decideFix(ctx, input),
    execute: (id) => (isFixRequestId(id) ? executeFix(ctx, id) : Promise.resolve({ kind: 'skipped', reason: 'unknown-request', request: null })),
    resumeInterrupted: () => resumeInterrupted(ctx),
  };
}
