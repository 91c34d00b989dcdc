import { updateWithRetry } from '../store/index.js';
import { readFixActionData } from './action-data.js';
import { auditAfterTheFact, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, type FixActor, type FixRequest } from './fix-request.js';
import { isStoredFixRequest } from './read-fix-request.js';
import { fixRefusal, type FixRefusal, type FixRefusalReason } from './refusals.js';

/** A press of **Approve** or **Reject**, as the transport received it. */
export interface FixDecisionInput {
  decision: 'approve' | 'reject';
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
}

export type FixDecisionResult =
  | { ok: true; decision: 'approved' | 'rejected'; request: FixRequest }
  /** `request` is given back (to refresh the card) unless the press came from outside the request's tenant or conversation. */
  | { ok: false; refusal: FixRefusal; request?: FixRequest };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const MAX_NAME = 256;

/**
 * Who pressed, as stored and shown: the object id in lowercase, and a display name without control characters —
 * the object id when the transport gave none (Teams may send a press without `from.name`), as for the requester.
 */
function decider(actor: FixActor | undefined): FixActor {
  const objectId = String(actor?.objectId ?? '').toLowerCase();
  const name = typeof actor?.displayName === 'string' ? actor.displayName.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_NAME) : '';
  return { objectId, displayName: name === '' ? objectId : name };
}

const isPlainRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Approves or rejects a pending request, enforcing everything server-side: the request exists; the press comes
 * from the request's tenant and conversation; the actor is not the requester and is an approver; the request has not
 * expired; and pending → approved/rejected happens exactly once (compare-and-swap). Anything else is a refusal
 * with a reason and changes nothing. Every decision and every refusal is audited.
 */
export async function decideFix(ctx: FixContext, input: FixDecisionInput): Promise<FixDecisionResult> {
  const now = ctx.now();
  const { id, ignoredFields } = readFixActionData(input.actionData);
  const log = ctx.log.child({ fixRequestId: id, decision: input.decision, actor: input.actor?.objectId, ...(input.turnId ? { turnId: input.turnId } : {}) });
  if (ignoredFields.length > 0) log.info('ignoring card action fields other than id', { ignoredFields });
  const actor = decider(input.actor);
  const details = { attempted: input.decision, ...(ignoredFields.length > 0 ? { ignoredFields: ignoredFields.length } : {}) };

  const refuse = async (reason: FixRefusalReason, request: FixRequest | undefined, show: boolean, detail?: string): Promise<FixDecisionResult> => {
    const refusal = fixRefusal(reason, detail);
    log.info('fix decision refused', { reason });
    await auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.refused,
        result: 'refused',
        request: request ?? (id === undefined ? {} : { id }),
        ...(GUID.test(actor.objectId) ? { actor } : {}),
        reason: refusal.message,
        ...(input.turnId === undefined ? {} : { turnId: input.turnId }),
        details: { ...details, reasonCode: reason },
      },
      now,
    );
    return show && request ? { ok: false, refusal, request } : { ok: false, refusal };
  };

  if (input.strict === true && (ignoredFields.length > 0 || !isPlainRecord(input.actionData))) return refuse('altered-card', undefined, false);
  if (id === undefined) return refuse('unknown-request', undefined, false);
  const stored = await ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, id);
  if (stored === null) return refuse('unknown-request', undefined, false);
  if (!isStoredFixRequest(stored.value, id)) {
    log.error('stored fix request is malformed; refusing to act on it');
    return refuse('unknown-request', undefined, false);
  }
  const request = stored.value;
  if (typeof input.tenantId !== 'string' || !same(input.tenantId, request.tenantId)) return refuse('wrong-tenant', request, false);
  if (typeof input.conversationId !== 'string' || input.conversationId !== request.conversationId) return refuse('wrong-conversation', request, false);
  if (!GUID.test(actor.objectId)) return refuse('not-approver', request, true);
  // Before the approver check: the requester is told why whether or not they are an approver (and no Graph call).
  if (same(actor.objectId, request.requester.objectId)) return refuse('self-approval', request, true);

  const verdict = await ctx.approvers(actor.objectId);
  if (!verdict.approver) {
    return verdict.error === undefined ? refuse('not-approver', request, true) : refuse('approver-check-failed', request, true, verdict.error);
  }

  const decided = input.decision === 'approve' ? 'approved' : 'rejected';
  const result = await updateWithRetry<FixRequest>(
    ctx.store.documents,
    FIX_REQUESTS_COLLECTION,
    id,
    (current) => {
      if (current === null || !isStoredFixRequest(current, id) || current.status !== 'pending') return undefined;
      if (now.getTime() >= Date.parse(current.expiresAt)) return { ...current, status: 'expired', expiredAt: now.toISOString() };
      return { ...current, status: decided, decision: { kind: decided, by: actor, at: now.toISOString() } };
    },
    { attempts: 10 },
  );
  if (result === null) return refuse('unknown-request', undefined, false);
  const after = result.value;
  if (result.changed && after.status === 'expired') {
    await auditAfterTheFact(ctx.store.audit, ctx.log, { action: FIX_AUDIT_ACTIONS.expired, result: 'ok', request: after, details: { expiresAt: after.expiresAt } }, now);
  }
  if (!result.changed || after.status !== decided) return refuse(after.status === 'expired' ? 'expired' : 'already-decided', after, true);

  log.info(`fix ${decided}`, { verifiedBy: verdict.via });
  await auditAfterTheFact(
    ctx.store.audit,
    ctx.log,
    {
      action: decided === 'approved' ? FIX_AUDIT_ACTIONS.approved : FIX_AUDIT_ACTIONS.rejected,
      result: 'ok',
      request: after,
      actor,
      ...(input.turnId === undefined ? {} : { turnId: input.turnId }),
      details: { ...details, approverVia: verdict.via, requester: after.requester.objectId },
    },
    now,
  );
  return { ok: true, decision: decided, request: after };
}
