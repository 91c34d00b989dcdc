import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';
import type { ApproverCheck } from './approvers.js';
import type { PullAccessChecker, Rediagnose, RoleAssignmentWriter } from './ports.js';
import { DEFAULT_WRITE_RETRY, type WriteRetryOptions } from './write-retry.js';

export interface FixApprovalsDeps {
  /** Fix requests live in `documents`, every event goes to `audit`. Shared by all replicas. */
  store: Pick<Store, 'documents' | 'audit'>;
  approvers: ApproverCheck;
  checkPullAccess: PullAccessChecker;
  writer: RoleAssignmentWriter;
  /** Re-runs the diagnosis after a change; without it the outcome has no re-diagnosis. */
  rediagnose?: Rediagnose;
  log: Logger;
  /** How long a request waits for a decision (FIX_REQUEST_TTL); 60 minutes by default. */
  requestTtlMs?: number;
  /** How long an execution claim holds without renewal before another executor may take over (2 minutes). */
  leaseMs?: number;
  retry?: WriteRetryOptions;
  /** This executor's id in claims; random per instance by default. */
  executorId?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
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

export const DEFAULT_LEASE_MS = 2 * 60_000;

export function fixContext(deps: FixApprovalsDeps): FixContext {
  const retry = { ...DEFAULT_WRITE_RETRY, ...deps.retry };
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  if (!(Number.isSafeInteger(retry.attempts) && retry.attempts >= 1)) throw new RangeError('retry.attempts must be a positive whole number');
  // A claim is renewed before every write attempt; no single wait may outlast it, or another executor could take over mid-wait.
  if (Math.max(retry.maxDelayMs, retry.maxRetryAfterMs) >= leaseMs) throw new RangeError('the longest retry wait must be shorter than the lease');
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
