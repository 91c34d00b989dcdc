import { randomBytes } from 'node:crypto';
import type { RoleAssignmentWriter } from '../clients/azure/role-assignment-writer.js';
import type { Cause, Fix, Verdict } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';
import type { FixRequest } from './fix-request.js';

/**
 * What the fix flow is given (the approver check, the pull-access re-check, the role assignment writer, the
 * re-diagnosis, its options) and the context every room of it runs in, with the defaults filled in.
 */

export interface FixApprovalsDeps {
  /** Fix requests live in `documents`, every event goes to `audit`. Shared by all replicas. */
  store: Pick<Store, 'documents' | 'audit'>;
  approvers: ApproverCheck;
  checkPullAccess: PullAccessChecker;
  /**
   * Creates role assignments (createRoleAssignmentWriter, over @azure/arm-authorization). 409 RoleAssignmentExists is
   * `exists`. Errors are PullDoctorErrors with the facts its mapAzureError sets: AZURE_FORBIDDEN (facts.status 403,
   * facts.armCode 'AuthorizationFailed', facts.action: the missing action), AZURE_THROTTLED (facts.status 429,
   * facts.retryAfterSeconds), AZURE_API_ERROR (facts.status 5xx, or no status when ARM could not be reached).
   */
  writer: RoleAssignmentWriter;
  /** Re-runs the diagnosis after a change; without it the outcome has no re-diagnosis. */
  rediagnose?: Rediagnose | undefined;
  log: Logger;
  /** How long a request waits for a decision (FIX_REQUEST_TTL); 60 minutes by default. */
  requestTtlMs?: number | undefined;
  /** How long an execution claim holds without renewal before another executor may take over (2 minutes). */
  leaseMs?: number | undefined;
  retry?: WriteRetryOptions | undefined;
  /** This executor's id in claims; random per instance by default. */
  executorId?: string | undefined;
  now?: (() => Date) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The dependencies with every default filled in. */
export interface FixContext {
  store: Pick<Store, 'documents' | 'audit'>;
  approvers: ApproverCheck;
  checkPullAccess: PullAccessChecker;
  writer: RoleAssignmentWriter;
  rediagnose: Rediagnose | undefined;
  log: Logger;
  requestTtlMs: number;
  leaseMs: number;
  retry: Required<WriteRetryOptions>;
  executorId: string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

const DEFAULT_LEASE_MS = 2 * 60_000;

export function fixContext(deps: FixApprovalsDeps): FixContext {
  const retry = { ...DEFAULT_WRITE_RETRY, ...deps.retry };
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  if (!(Number.isSafeInteger(retry.attempts) && retry.attempts >= 1))
    throw new RangeError('retry.attempts must be a positive whole number');
  // A claim is renewed before every write attempt; no single wait may outlast it, or another executor could take over mid-wait.
  if (Math.max(retry.maxDelayMs, retry.maxRetryAfterMs) >= leaseMs)
    throw new RangeError('the longest retry wait must be shorter than the lease');
  return {
    store: deps.store,
    approvers: deps.approvers,
    checkPullAccess: deps.checkPullAccess,
    writer: deps.writer,
    rediagnose: deps.rediagnose,
    log: deps.log.child({ component: 'fixes' }),
    requestTtlMs: deps.requestTtlMs ?? 60 * 60_000,
    leaseMs,
    retry,
    executorId: deps.executorId ?? `executor-${randomBytes(6).toString('hex')}`,
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}

export type ApproverVerdict =
  | { approver: true; via: 'list' | 'group' }
  /** `error`: the membership could not be checked (Graph refused or failed), so the answer is no. */
  | { approver: false; error?: string };

/** Whether an Entra object id may approve fixes. Fails closed: any doubt is a no. */
export type ApproverCheck = (objectId: string) => Promise<ApproverVerdict>;

/**
 * Can the fix's principal already pull from the fix's scope? `createPullAccessChecker` implements it with the
 * diagnosis's role evaluation over the role assignments the principal holds at or above the registry.
 * Throws a PullDoctorError (with the same facts as the writer's) when it cannot tell.
 */
export type PullAccessChecker = (fix: Fix) => Promise<PullAccess>;

export interface PullAccess {
  canPull: boolean;
  /** What was found, in words (the granting role and where, or why nothing counts). */
  detail: string;
  /** When it can pull: the role assignments that grant it, by name and id (their names tell who made them). */
  grantedBy?: Array<{ name: string; id: string }>;
}

/** The diagnosis's verdict after the change, in a sentence. */
export interface RediagnosisSummary {
  verdict: Verdict;
  cause: Cause | null;
  summary: string;
}

/** Re-runs the diagnosis of the request's pod (wired to diagnosePod). */
export type Rediagnose = (request: FixRequest) => Promise<RediagnosisSummary>;

export interface WriteRetryOptions {
  /** How many times the role assignment PUT (or the re-check) is tried in all (default 5). */
  attempts?: number;
  /** First back-off, doubled after each failure (default 2 s). */
  baseDelayMs?: number;
  /** Longest back-off (default 30 s). */
  maxDelayMs?: number;
  /** Longest Retry-After honoured; asked to wait longer, the bot gives up instead (default 60 s). */
  maxRetryAfterMs?: number;
}

export const DEFAULT_WRITE_RETRY: Required<WriteRetryOptions> = {
  attempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};
