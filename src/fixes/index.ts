import { PullDoctorError } from '../errors/index.js';
import { updateWithRetry } from '../store/index.js';
import { decideFix, type FixDecisionInput, type FixDecisionResult } from './decide-fix.js';
import { executeFix, type FixExecution } from './execute-fix.js';
import { fixContext, type FixApprovalsDeps } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isFixRequestId, isStoredFixRequest, type FixRequest } from './fix-request.js';
import { recheckAfterFix, type FixRecheckInput, type FixRecheckResult } from './rediagnosis.js';
import { requestFix, type FixRequestResult, type NewFixRequest } from './request-fix.js';
import { resumeInterrupted, type ResumeReport } from './resume-interrupted.js';

export {
  createApproverCheck,
  FIX_REFUSAL_REASONS,
  fixRefusal,
  type FixDecisionInput,
  type FixDecisionResult,
  type FixRefusal,
  type FixRefusalReason,
} from './decide-fix.js';
export { describeFixRequest, type FixRequestView } from './describe-fix-request.js';
export { forbiddenAdvice, registryNameOf, roleNameOf } from './allowed-fix.js';
export { KUBELET_BACKOFF_REMINDER, type FixExecution } from './execute-fix.js';
export type { ApproverCheck, FixApprovalsDeps, PullAccess, PullAccessChecker, Rediagnose, RediagnosisSummary } from './fix-context.js';
export type { FixActor, FixOutcomeKind, FixRequest, FixRequestStatus } from './fix-request.js';
export { rediagnosisSummary, type FixRecheckInput, type FixRecheckResult } from './rediagnosis.js';
export type { FixRequestResult, NewFixRequest } from './request-fix.js';
export { DEFAULT_RESUME_EVERY_MS, ResumeLoop, type ResumeLoopOptions, type ResumeReport } from './resume-interrupted.js';

/**
 * The fix approval flow's public face: `createFixApprovals` and what the transport (src/teams) and the wiring use.
 * The rooms behind it: fix-request (the stored request), request-fix, decide-fix (approvers, refusals), execute-fix
 * (with execution-claim), resume-interrupted (and the resume loop), rediagnosis, fix-audit, allowed-fix,
 * describe-fix-request; fix-context holds what the flow is given.
 */

/** The fix approval flow, independent of any transport. One per process; every replica shares the store. */
export interface FixApprovals {
  /**
   * Stores a pending request (the card then carries only its id) and audits it; or gives back the request already
   * under way for the same grant (`alreadyPending`). INVALID_INPUT / FIX_REFUSED / BUSY.
   */
  request(input: NewFixRequest): Promise<FixRequestResult>;
  /** The request, or null when the id is unknown, malformed, or names something that is not a valid request. */
  get(id: string): Promise<FixRequest | null>;
  /** Remembers the approval card's message id so the transport can update the card later. */
  setApprovalCardMessageId(id: string, messageId: string): Promise<FixRequest>;
  /** Approve or reject, or withdraw (the requester); refusals change nothing and say why. See decideFix. */
  decide(input: FixDecisionInput): Promise<FixDecisionResult>;
  /** Re-runs the pod's diagnosis after an applied fix (the done card's Re-run checks). See recheckAfterFix. */
  recheck(input: FixRecheckInput): Promise<FixRecheckResult>;
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
      if (typeof messageId !== 'string' || messageId === '' || messageId.length > 512)
        throw new PullDoctorError('INVALID_INPUT', 'A message id must be 1 to 512 characters');
      const result = isFixRequestId(id)
        ? await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, id, (current) =>
            current !== null && isStoredFixRequest(current, id) && current.approvalCardMessageId !== messageId
              ? { ...current, approvalCardMessageId: messageId }
              : undefined,
          )
        : null;
      if (result === null || !isStoredFixRequest(result.value, id))
        throw new PullDoctorError('INVALID_INPUT', 'There is no such fix request');
      return result.value;
    },
    decide: (input) => decideFix(ctx, input),
    recheck: (input) => recheckAfterFix(ctx, input),
    execute: (id) =>
      isFixRequestId(id) ? executeFix(ctx, id) : Promise.resolve({ kind: 'skipped', reason: 'unknown-request', request: null }),
    resumeInterrupted: () => resumeInterrupted(ctx),
  };
}
