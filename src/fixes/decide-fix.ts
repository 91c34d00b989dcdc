import { randomBytes } from 'node:crypto';
import type { GraphClient } from '../clients/graph/graph-client.js';
import type { ApprovalsConfig } from '../config/index.js';
import { describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, auditBeforeActing, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { ApproverCheck, FixContext } from './fix-context.js';
import {
  FIX_REQUESTS_COLLECTION,
  isStoredFixRequest,
  readFixActionData,
  type FixActor,
  type FixDecisionInProgress,
  type FixRequest,
} from './fix-request.js';
import { isGuid } from '../clients/azure/resource-id.js';

/** Why a decision on a fix request was refused. Stable strings: cards and scripts rely on them. */
export const FIX_REFUSAL_REASONS = [
  'altered-card',
  'unknown-request',
  'wrong-tenant',
  'wrong-conversation',
  'not-approver',
  'approver-check-failed',
  'self-approval',
  'expired',
  'already-decided',
  'withdrawn',
  'not-requester',
  'not-applied',
] as const;
export type FixRefusalReason = (typeof FIX_REFUSAL_REASONS)[number];

export interface FixRefusal {
  reason: FixRefusalReason;
  /** One sentence a person can act on; names no one's secrets. */
  message: string;
}

const MESSAGES: Record<FixRefusalReason, string> = {
  'altered-card': 'This button does not carry what Pull Doctor put on the approval card (its data was changed), so nothing was done.',
  'unknown-request': 'This fix request does not exist (or no longer exists).',
  'wrong-tenant': 'This fix request belongs to another organisation.',
  'wrong-conversation': 'This fix request can only be decided in the conversation where it was made.',
  'not-approver': 'You are not one of the approvers for fixes.',
  'approver-check-failed': 'Your approver group membership could not be checked, so the decision was refused.',
  'self-approval': 'You made this request: someone else must decide on it.',
  expired: 'This fix request has expired; run the diagnosis again to request the fix anew.',
  'already-decided': 'This fix request has already been decided.',
  withdrawn: 'This fix request was withdrawn by the person who made it.',
  'not-requester': 'Only the person who requested this fix can withdraw it.',
  'not-applied': 'This fix has not been applied, so there is nothing to check again.',
};

export function fixRefusal(reason: FixRefusalReason, detail?: string): FixRefusal {
  return { reason, message: detail === undefined ? MESSAGES[reason] : `${MESSAGES[reason]} ${detail}` };
}

/**
 * Approvers are the object ids in APPROVERS, plus the (transitive) members of APPROVER_GROUP_ID when one is
 * configured, asked of Microsoft Graph each time (membership changes take effect at once; no cache).
 */
export function createApproverCheck(
  config: Pick<ApprovalsConfig, 'approvers' | 'approverGroupId'>,
  deps: { graph?: GraphClient | undefined; log: Logger },
): ApproverCheck {
  const listed = new Set(config.approvers.map((id) => id.toLowerCase()));
  const group = config.approverGroupId?.toLowerCase();
  if (group !== undefined && deps.graph === undefined)
    throw new Error('APPROVER_GROUP_ID is set: a Graph client is needed to check membership');
  return async (objectId) => {
    const id = objectId.toLowerCase();
    if (listed.has(id)) return { approver: true, via: 'list' };
    if (group === undefined) return { approver: false };
    try {
      const groups = await deps.graph!.checkMemberGroups(id, [group]);
      return groups.includes(group) ? { approver: true, via: 'group' } : { approver: false };
    } catch (error) {
      const advice = describeError(error);
      // An object Graph does not know is simply not a member.
      if (advice.code === 'AZURE_NOT_FOUND') return { approver: false };
      deps.log.warn('approver group membership could not be checked', { code: advice.code, error });
      return { approver: false, error: `${advice.title}: ${advice.message} ${advice.advice}` };
    }
  };
}

/** A press of **Approve**, **Reject** or (by the requester) **Withdraw**, as the transport received it. */
export interface FixDecisionInput {
  decision: 'approve' | 'reject' | 'withdraw';
  /** The card action's data as received. Only its `id` is read; every other field is ignored (or refused: `strict`). */
  actionData: unknown;
  /**
   * Refuse (reason `altered-card`) action data with any field but `id`. For transports whose approval buttons carry
   * exactly `{ id }` (Teams `Action.Execute` without inputs): anything more did not come from the card as sent.
   */
  strict?: boolean;
  /** Who pressed, by Entra object id (Teams `from.aadObjectId`). */
  actor: FixActor;
  /** The tenant and conversation the press came from (Teams `conversation.tenantId`, `conversation.id`). */
  tenantId: string;
  conversationId: string;
  turnId?: string;
  /**
   * Who really pressed, when `actor` is a stand-in (the sandbox's one-press "Approve as …": the Playground plays one
   * user only). Kept in the audit record next to the actor.
   */
  pressedBy?: FixActor | undefined;
}

export type FixDecisionResult =
  | { ok: true; decision: 'approved' | 'rejected' | 'withdrawn'; request: FixRequest }
  /** `request` is given back (to refresh the card) unless the press came from outside the request's tenant or conversation. */
  | { ok: false; refusal: FixRefusal; request?: FixRequest };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const MAX_NAME = 256;

/**
 * Who pressed, as stored and shown: the object id in lowercase, and a display name without control characters —
 * the object id when the transport gave none (Teams may send a press without `from.name`), as for the requester.
 */
function decider(actor: FixActor | undefined): FixActor {
  const objectId = String(actor?.objectId ?? '').toLowerCase();
  const name =
    typeof actor?.displayName === 'string'
      ? actor.displayName
          .replace(/[\u0000-\u001f\u007f]/g, ' ')
          .trim()
          .slice(0, MAX_NAME)
      : '';
  return { objectId, displayName: name === '' ? objectId : name };
}

const isPlainRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Approves or rejects a pending request, enforcing everything server-side: the request exists; the press comes
 * from the request's tenant and conversation; the actor is not the requester and is an approver; the request has not
 * expired; and pending → approved/rejected happens exactly once (compare-and-swap). Anything else is a refusal
 * with a reason and changes nothing. Every decision and every refusal is audited. A decision is recorded before it
 * is stored, in three steps: reserve (a compare-and-swap that one press wins), append the audit record, then store
 * the decision; a decision whose record cannot be written is not accepted (STORE_UNAVAILABLE) and the request stays
 * pending.
 */
export async function decideFix(ctx: FixContext, input: FixDecisionInput): Promise<FixDecisionResult> {
  const now = ctx.now();
  const { id, ignoredFields } = readFixActionData(input.actionData);
  const log = ctx.log.child({ fixRequestId: id, decision: input.decision, actor: input.actor?.objectId, turnId: input.turnId });
  if (ignoredFields.length > 0) log.info('ignoring card action fields other than id', { ignoredFields });
  const actor = decider(input.actor);
  const details = {
    attempted: input.decision,
    ...(ignoredFields.length > 0 ? { ignoredFields: ignoredFields.length } : {}),
    ...(input.pressedBy ? { pressedBy: decider(input.pressedBy).objectId } : {}),
  };

  /** `voids`: the decision record written ahead of a decision that then lost its race (see below). */
  const refuse = async (
    reason: FixRefusalReason,
    request: FixRequest | undefined,
    show: boolean,
    detail?: string,
    voids?: string,
  ): Promise<FixDecisionResult> => {
    const refusal = fixRefusal(reason, detail);
    log.info('fix decision refused', { reason });
    await auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.refused,
        result: 'refused',
        request: request ?? (id === undefined ? {} : { id }),
        actor: isGuid(actor.objectId) ? actor : undefined,
        reason: refusal.message,
        turnId: input.turnId,
        details: { ...details, reasonCode: reason, ...(voids === undefined ? {} : { voids }) },
      },
      now,
    );
    return show && request ? { ok: false, refusal, request } : { ok: false, refusal };
  };

  if (input.strict === true && (ignoredFields.length > 0 || !isPlainRecord(input.actionData)))
    return refuse('altered-card', undefined, false);
  if (id === undefined) return refuse('unknown-request', undefined, false);
  const stored = await ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, id);
  if (stored === null) return refuse('unknown-request', undefined, false);
  if (!isStoredFixRequest(stored.value, id)) {
    log.error('stored fix request is malformed; refusing to act on it');
    return refuse('unknown-request', undefined, false);
  }
  const request = stored.value;
  if (typeof input.tenantId !== 'string' || !same(input.tenantId, request.tenantId)) return refuse('wrong-tenant', request, false);
  if (typeof input.conversationId !== 'string' || input.conversationId !== request.conversationId)
    return refuse('wrong-conversation', request, false);
  const swap = (mutate: (current: FixRequest) => FixRequest | undefined) =>
    updateWithRetry<FixRequest>(
      ctx.store.documents,
      FIX_REQUESTS_COLLECTION,
      id,
      (current) => (current !== null && isStoredFixRequest(current, id) ? mutate(current) : undefined),
      {
        attempts: 10,
      },
    );
  /** A pending request past its expiry, as it is then stored. */
  const expired = (current: FixRequest): FixRequest => ({
    ...withoutReservation(current),
    status: 'expired',
    expiredAt: now.toISOString(),
  });
  const auditExpired = (request: FixRequest) =>
    auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      { action: FIX_AUDIT_ACTIONS.expired, result: 'ok', request, details: { expiresAt: request.expiresAt } },
      now,
    );

  if (input.decision === 'withdraw') {
    if (!same(actor.objectId, request.requester.objectId)) return refuse('not-requester', request, true);
    const withdrawn = await swap((current) => {
      if (current.status !== 'pending') return undefined;
      if (now.getTime() >= Date.parse(current.expiresAt)) return expired(current);
      // A decision being recorded comes first: it was pressed first.
      if (current.deciding !== undefined && now.getTime() - Date.parse(current.deciding.at) < DECIDING_STALE_MS) return undefined;
      return { ...withoutReservation(current), status: 'withdrawn', withdrawal: { by: actor, at: now.toISOString() } };
    });
    if (withdrawn === null) return refuse('unknown-request', undefined, false);
    if (withdrawn.changed && withdrawn.value.status === 'expired') await auditExpired(withdrawn.value);
    if (!withdrawn.changed || withdrawn.value.status !== 'withdrawn')
      return refuse(refusalFor(withdrawn.value), withoutReservation(withdrawn.value), true);
    // Nothing will be done any more: the record follows the fact (a failing audit log keeps it in the error log).
    await auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      { action: FIX_AUDIT_ACTIONS.withdrawn, result: 'ok', request: withdrawn.value, actor, turnId: input.turnId, details },
      now,
    );
    log.info('fix withdrawn');
    return { ok: true, decision: 'withdrawn', request: withdrawn.value };
  }

  if (!isGuid(actor.objectId)) return refuse('not-approver', request, true);
  // Before the approver check: the requester is told why whether or not they are an approver (and no Graph call).
  if (same(actor.objectId, request.requester.objectId)) return refuse('self-approval', request, true);

  const verdict = await ctx.approvers(actor.objectId);
  if (!verdict.approver) {
    return verdict.error === undefined
      ? refuse('not-approver', request, true)
      : refuse('approver-check-failed', request, true, verdict.error);
  }

  const decided = input.decision === 'approve' ? 'approved' : 'rejected';
  const action = decided === 'approved' ? FIX_AUDIT_ACTIONS.approved : FIX_AUDIT_ACTIONS.rejected;
  const decision: FixDecisionInProgress = { kind: decided, by: actor, at: now.toISOString(), token: randomBytes(9).toString('base64url') };
  const isMine = (current: FixRequest) => current.status === 'pending' && current.deciding?.token === decision.token;

  // 1. Reserve the decision (pending → pending, being decided by this press): of racing presses exactly one wins.
  const reserved = await swap((current) => {
    if (current.status !== 'pending') return undefined;
    if (now.getTime() >= Date.parse(current.expiresAt)) return expired(current);
    if (current.deciding !== undefined && now.getTime() - Date.parse(current.deciding.at) < DECIDING_STALE_MS) return undefined;
    return { ...current, deciding: decision };
  });
  if (reserved === null) return refuse('unknown-request', undefined, false);
  if (reserved.changed && reserved.value.status === 'expired') await auditExpired(reserved.value);
  if (!reserved.changed || !isMine(reserved.value)) return refuse(refusalFor(reserved.value), withoutReservation(reserved.value), true);

  // 2. Record it. A decision that cannot be recorded is not accepted: the reservation is withdrawn, nothing else changed.
  try {
    await auditBeforeActing(
      ctx.store.audit,
      ctx.log,
      {
        action,
        result: 'ok',
        request,
        actor,
        turnId: input.turnId,
        details: { ...details, approverVia: verdict.via, requester: request.requester.objectId },
      },
      now,
      `The ${decided === 'approved' ? 'approval' : 'rejection'} was not accepted and the request is unchanged`,
    );
  } catch (error) {
    await swap((current) => (isMine(current) ? withoutReservation(current) : undefined)).catch((withdrawal: unknown) =>
      log.error('could not withdraw the reservation of an unrecorded decision; it lapses on its own', { error: withdrawal }),
    );
    throw error;
  }

  // 3. Store it (only an executor that sees `approved` acts, and that is after the record).
  const done = await swap((current) =>
    isMine(current)
      ? { ...withoutReservation(current), status: decided, decision: { kind: decided, by: actor, at: decision.at } }
      : undefined,
  );
  if (done === null || !done.changed) {
    // The reservation lapsed and was taken over, or the request vanished: the record written above is void.
    const after = done === null ? undefined : withoutReservation(done.value);
    return refuse(after === undefined ? 'unknown-request' : refusalFor(after), after, after !== undefined, undefined, action);
  }
  log.info(`fix ${decided}`, { verifiedBy: verdict.via });
  return { ok: true, decision: decided, request: done.value };
}

/** Why a press finds a request that is no longer (or not yet again) open to it. */
function refusalFor(request: FixRequest): FixRefusalReason {
  if (request.status === 'expired') return 'expired';
  if (request.status === 'withdrawn') return 'withdrawn';
  return 'already-decided';
}

/** How long a reservation holds a request against other presses: far longer than the audit write it waits for. */
const DECIDING_STALE_MS = 60_000;

function withoutReservation(request: FixRequest): FixRequest {
  if (request.deciding === undefined) return request;
  const copy = { ...request };
  delete copy.deciding;
  return copy;
}
