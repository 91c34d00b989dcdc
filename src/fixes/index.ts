export { createFixApprovals, type FixApprovals } from './fix-approvals.js';
export type { FixApprovalsDeps } from './fix-context.js';
export { DEFAULT_LEASE_MS } from './fix-context.js';
export type { NewFixRequest } from './request-fix.js';
export type { FixDecisionInput, FixDecisionResult } from './decide-fix.js';
export type { FixExecution } from './execute-fix.js';
export type { ResumeReport } from './resume-interrupted.js';
export {
  FIX_REQUEST_STATUSES,
  FIX_REQUESTS_COLLECTION,
  isFinished,
  isFixRequestId,
  readFixActionData,
  type FixActor,
  type FixDecision,
  type FixExecutionClaim,
  type FixOutcome,
  type FixOutcomeKind,
  type FixRequest,
  type FixRequestStatus,
  type RediagnosisRecord,
} from './fix-request.js';
export { FIX_REFUSAL_REASONS, fixRefusal, type FixRefusal, type FixRefusalReason } from './refusals.js';
export { FIX_AUDIT_ACTIONS } from './fix-audit.js';
export { createApproverCheck, type ApproverCheck, type ApproverVerdict } from './approvers.js';
export type { PullAccess, PullAccessChecker, RoleAssignmentWriter, CreateRoleAssignmentInput, Rediagnose, RediagnosisSummary } from './ports.js';
export { DEFAULT_WRITE_RETRY, type WriteRetryOptions } from './write-retry.js';
export { describeFixRequest, type FixRequestView } from './describe-fix-request.js';
export { GRANTABLE_ROLES, registryNameOf, roleNameOf } from './allowed-fix.js';
export { forbiddenAdvice, delegationCondition, RBAC_ADMINISTRATOR_ROLE_ID } from './forbidden-advice.js';
export { KUBELET_BACKOFF_REMINDER } from './fix-outcomes.js';
export { roleAssignmentName } from '../clients/azure/role-assignment-name.js';
