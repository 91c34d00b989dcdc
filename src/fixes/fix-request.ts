import { randomBytes } from 'node:crypto';
import type { Cause, Fix, Verdict } from '../diagnosis/types.js';
import { fixProblem } from './allowed-fix.js';
import { isGuid } from '../clients/azure/resource-id.js';

/** The store collection that holds fix requests, one document per request, keyed by its opaque id. */
export const FIX_REQUESTS_COLLECTION = 'fix-requests';

/**
 * Where a request is in its life. Every move is a compare-and-swap on the stored document:
 *
 *   pending ──approve──▶ approved ──claim──▶ executing ──▶ completed | failed
 *      ├──reject────▶ rejected                  ▲  │
 *      ├──withdraw──▶ withdrawn (its requester) └──┘ a stale claim is taken over on resume
 *      └──(ttl)─────▶ expired
 */
const FIX_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn', 'expired', 'executing', 'completed', 'failed'] as const;
export type FixRequestStatus = (typeof FIX_REQUEST_STATUSES)[number];

/** A person, as Entra ID knows them: the object id decides, the name is for humans. */
export interface FixActor {
  /** Entra object id (lowercase GUID). */
  objectId: string;
  displayName: string;
}

export interface FixDecision {
  kind: 'approved' | 'rejected';
  by: FixActor;
  at: string;
}

/**
 * A decision being recorded: set on a pending request (by compare-and-swap) before the decision's audit record is
 * written, so that of racing presses only one writes a record; replaced by `decision` once the record is kept.
 * One older than a minute is ignored (its press died or could not record it).
 */
export interface FixDecisionInProgress extends FixDecision {
  /** Tells this press's reservation from another's. */
  token: string;
}

/** Which executor holds the request while it runs; another may take over once `renewedAt` is older than the lease. */
export interface FixExecutionClaim {
  executorId: string;
  claimedAt: string;
  renewedAt: string;
  /** 1 for the first executor, 2 when a stale claim was taken over, … */
  round: number;
}

/** What the re-run diagnosis said after the change. */
export type RediagnosisRecord = { at: string; verdict: Verdict; cause: Cause | null; summary: string } | { at: string; error: string };

/**
 * How an execution ended. `created`: the bot created the role assignment; `exists`: Azure already had it
 * (409 RoleAssignmentExists); `already-fixed`: the re-check found the principal can already pull, so nothing was
 * written; `failed`: nothing (more) will be tried for this request.
 */
export type FixOutcomeKind = 'created' | 'exists' | 'already-fixed' | 'failed';

export interface FixOutcome {
  kind: FixOutcomeKind;
  at: string;
  /** One sentence for the card and the audit log. */
  summary: string;
  /** What the re-check of the principal's roles found before writing. */
  recheck?: string;
  /** The deterministic assignment name the bot PUT (or would have). */
  roleAssignmentName?: string;
  /** Id of the assignment that now grants the role (created or existing). */
  roleAssignmentId?: string;
  /**
   * Who wrote that assignment: `this-request` (created now, or by an earlier executor of this request whose PUT was
   * sent before it was interrupted: the assignment has Pull Doctor's deterministic name for this grant),
   * `another-request` (Pull Doctor's name, but this request had sent no PUT: an earlier request for the same grant),
   * `someone-else` (another name). Absent when nothing grants the role (failed) or the re-check named no assignment.
   */
  writtenBy?: 'this-request' | 'another-request' | 'someone-else';
  /** How many times the role assignment PUT was sent. */
  writeAttempts: number;
  /** For `failed`: the stable error code and what a human can do. */
  errorCode?: string;
  advice?: string;
  /** For successes: the kubelet retries on its own back-off, no restart needed. */
  reminder?: string;
  rediagnosis?: RediagnosisRecord;
}

/**
 * A request to apply a diagnosis's fix, kept server-side: the card carries only `id`. Everything a decision or
 * an execution relies on is here, exactly as computed when the request was made.
 */
export interface FixRequest {
  schema: 1;
  /** Opaque random id (144 bits, base64url). */
  id: string;
  fix: Fix;
  cluster: { name?: string; resourceId?: string };
  pod: { namespace: string; name: string };
  requester: FixActor;
  /** Entra tenant the request was made in; decisions from another tenant are refused. */
  tenantId: string;
  /** Teams conversation the request was made in; decisions from another conversation are refused. */
  conversationId: string;
  createdAt: string;
  expiresAt: string;
  status: FixRequestStatus;
  /**
   * Why the fix is proposed: the cause, the root cause in one sentence as the diagnosis stated it (`headline`, absent in
   * requests made before it existed) and a few short lines of evidence (no secrets).
   */
  evidence: { cause: Cause | null; headline?: string; lines: string[] };
  /** Id of the approval card's message, set by the transport so that it can update the card. */
  approvalCardMessageId?: string;
  decision?: FixDecision;
  /** Set with status `withdrawn`: the requester took the request back before anyone decided. */
  withdrawal?: { by: FixActor; at: string };
  /**
   * How many role assignment PUTs executors of this request have sent, counted when the claim is renewed just before
   * each one (so a PUT cut short by a crash counts): tells, on resuming, whether an assignment under Pull Doctor's
   * name for this grant is this request's own.
   */
  assignmentWritesSent?: number;
  /** Only while pending: a decision whose audit record is being written. */
  deciding?: FixDecisionInProgress;
  expiredAt?: string;
  claim?: FixExecutionClaim;
  outcome?: FixOutcome;
}

/** Statuses after which nothing more happens to a request. */
export function isFinished(status: FixRequestStatus): boolean {
  return status === 'rejected' || status === 'withdrawn' || status === 'expired' || status === 'completed' || status === 'failed';
}

const ID_BYTES = 18;
/** 18 random bytes → 24 base64url characters, no padding. */
const ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;

/** A new opaque fix request id: 144 bits from the CSPRNG, base64url. Unguessable, so a card can carry it alone. */
export function newFixRequestId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/** Whether `value` has the shape of an id we issue (it may still be unknown). */
export function isFixRequestId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

/**
 * Reads the one thing a card action may carry: the fix request's opaque `id`. Every other field is ignored —
 * the scope, principal and role come from the stored request, never from the card. Returns the id (undefined
 * when there is none of the right shape) and the names of the ignored fields (for the log; values are never read).
 */
export function readFixActionData(data: unknown): { id: string | undefined; ignoredFields: string[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { id: undefined, ignoredFields: [] };
  const record = data as Record<string, unknown>;
  const ignoredFields = Object.keys(record)
    .filter((k) => k !== 'id')
    .map((k) => (FIELD_NAME.test(k) ? k : '(unprintable)'))
    .slice(0, 20);
  return { id: isFixRequestId(record.id) ? record.id : undefined, ignoredFields };
}

/** A stored id: a GUID in lowercase, as requests are stored. */
const isStoredGuid = (value: unknown): boolean => isGuid(value) && value === value.toLowerCase();
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isActor = (v: unknown): boolean =>
  v !== null &&
  typeof v === 'object' &&
  isStoredGuid((v as Record<string, unknown>).objectId) &&
  typeof (v as Record<string, unknown>).displayName === 'string';

/**
 * Why a stored value is not a fix request this code can act on, or undefined when it is. The store gives back
 * whatever JSON was written; a document changed by hand (or by a future version) must never reach the writer.
 */
export function storedFixRequestProblem(value: unknown, id: string): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  if (r.schema !== 1) return `schema ${String(r.schema)} is not 1`;
  if (r.id !== id) return 'its id does not match its key';
  const fix = fixProblem(r.fix);
  if (fix !== undefined) return fix;
  const cluster = r.cluster as Record<string, unknown> | null;
  if (cluster === null || typeof cluster !== 'object' || !(isText(cluster.name) || isText(cluster.resourceId))) return 'no cluster';
  const pod = r.pod as Record<string, unknown> | null;
  if (pod === null || typeof pod !== 'object' || !isText(pod.namespace) || !isText(pod.name)) return 'no pod';
  if (!isActor(r.requester)) return 'no requester';
  if (!isStoredGuid(r.tenantId)) return 'no tenant';
  if (!isText(r.conversationId)) return 'no conversation';
  if (!TIME.test(String(r.createdAt)) || !TIME.test(String(r.expiresAt))) return 'no creation or expiry time';
  if (!FIX_REQUEST_STATUSES.includes(r.status as never)) return `unknown status ${String(r.status)}`;
  const evidence = r.evidence as Record<string, unknown> | null;
  if (
    evidence === null ||
    typeof evidence !== 'object' ||
    !Array.isArray(evidence.lines) ||
    !evidence.lines.every((l) => typeof l === 'string') ||
    (evidence.headline !== undefined && typeof evidence.headline !== 'string')
  ) {
    return 'no evidence';
  }
  if (r.decision !== undefined) {
    const d = r.decision as Record<string, unknown>;
    if ((d.kind !== 'approved' && d.kind !== 'rejected') || !isActor(d.by) || !TIME.test(String(d.at))) return 'a malformed decision';
    // decideFix never lets the requester decide: a document that says so was not written by it.
    if (
      d.kind === 'approved' &&
      String((d.by as Record<string, unknown>).objectId).toLowerCase() ===
        String((r.requester as Record<string, unknown>).objectId).toLowerCase()
    ) {
      return 'approved by its own requester';
    }
  }
  if (r.status === 'withdrawn') {
    const w = r.withdrawal as Record<string, unknown> | undefined;
    if (!w || !isActor(w.by) || !TIME.test(String(w.at))) return 'withdrawn without a withdrawal';
    // Only the requester withdraws (withdrawFix): a document that says otherwise was not written by it.
    if (
      String((w.by as Record<string, unknown>).objectId).toLowerCase() !==
      String((r.requester as Record<string, unknown>).objectId).toLowerCase()
    )
      return 'withdrawn by someone other than its requester';
  }
  const needsDecision =
    r.status === 'approved' || r.status === 'rejected' || r.status === 'executing' || r.status === 'completed' || r.status === 'failed';
  if (needsDecision && r.decision === undefined) return `status ${String(r.status)} without a decision`;
  if (r.status === 'executing') {
    const c = r.claim as Record<string, unknown> | undefined;
    if (!c || !isText(c.executorId) || !TIME.test(String(c.claimedAt)) || !TIME.test(String(c.renewedAt)) || typeof c.round !== 'number') {
      return 'executing without a claim';
    }
  }
  return undefined;
}

export function isStoredFixRequest(value: unknown, id: string): value is FixRequest {
  return storedFixRequestProblem(value, id) === undefined;
}
