import { createHash } from 'node:crypto';
import { CAUSES, type Cause, type Fix } from '../diagnosis/types.js';
import { describeError, isPullDoctorError, PullDoctorError } from '../errors/index.js';
import { redactText } from '../logging/redact.js';
import { definedOnly } from '../store/store.js';
import { assertAllowedFix } from './allowed-fix.js';
import { auditAfterTheFact, auditBeforeActing, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, isStoredFixRequest, newFixRequestId, type FixActor, type FixRequest } from './fix-request.js';
import { isGuid } from '../clients/azure/resource-id.js';

/** What the transport knows when someone presses **Request fix**. */
export interface NewFixRequest {
  /** The fix exactly as the engine computed it. */
  fix: Fix;
  /** The cluster by configured name and/or AKS resource id (at least one). */
  cluster: { name?: string; resourceId?: string };
  pod: { namespace: string; name: string };
  requester: FixActor;
  tenantId: string;
  conversationId: string;
  /**
   * Why: the cause, the root cause in one sentence (the diagnosis's headline) and a few short lines (strings only;
   * anything secret-looking is redacted).
   */
  evidence?: { cause?: Cause | null; headline?: string | undefined; lines?: readonly string[] };
  /** Correlates the audit record with the turn's logs. */
  turnId?: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_EVIDENCE_LINES = 10;
const MAX_EVIDENCE_LINE = 300;
const MAX_NAME = 256;
const MAX_HEADLINE = 300;

function invalid(message: string): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', `The fix request is not valid: ${message}.`);
}

function text(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || CONTROL.test(value))
    throw invalid(`${what} must be 1 to ${max} printable characters`);
  return value.trim();
}

function optionalText(value: unknown, what: string, max: number): string | undefined {
  return value === undefined ? undefined : text(value, what, max);
}

function actor(value: FixActor): FixActor {
  if (typeof value?.objectId !== 'string' || !isGuid(value.objectId))
    throw invalid('the requester must be identified by an Entra object id');
  const name =
    typeof value.displayName === 'string'
      ? value.displayName
          .replace(/[\u0000-\u001f\u007f]/g, ' ')
          .trim()
          .slice(0, MAX_NAME)
      : '';
  return { objectId: value.objectId.toLowerCase(), displayName: name === '' ? value.objectId.toLowerCase() : name };
}

/** One line of evidence as kept: on one line, redacted, cut to `max`. */
function evidenceLine(text: string, max: number): string {
  const line = redactText(text.replace(/\s+/g, ' ').trim());
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function evidenceLines(lines: readonly unknown[] | undefined): string[] {
  return (lines ?? [])
    .filter((l): l is string => typeof l === 'string' && l.trim() !== '')
    .slice(0, MAX_EVIDENCE_LINES)
    .map((l) => evidenceLine(l, MAX_EVIDENCE_LINE));
}

/** The request as it will be stored, or INVALID_INPUT / FIX_REFUSED. */
function buildRequest(input: NewFixRequest, id: string, now: Date, ttlMs: number): FixRequest {
  const fix = assertAllowedFix(input.fix);
  const clusterName = optionalText(input.cluster?.name, 'the cluster name', 253);
  const clusterId = optionalText(input.cluster?.resourceId, 'the cluster resource id', 512);
  if (clusterName === undefined && clusterId === undefined) throw invalid('name the cluster or give its resource id');
  if (typeof input.tenantId !== 'string' || !isGuid(input.tenantId)) throw invalid('the tenant id must be a GUID');
  const cause = input.evidence?.cause ?? null;
  if (cause !== null && !CAUSES.includes(cause)) throw invalid(`"${String(cause)}" is not a cause`);
  const headline = input.evidence?.headline;
  const evidence: FixRequest['evidence'] = { cause, lines: evidenceLines(input.evidence?.lines) };
  if (typeof headline === 'string' && headline.trim() !== '') evidence.headline = evidenceLine(headline, MAX_HEADLINE);
  return {
    schema: 1,
    id,
    fix,
    cluster: definedOnly({ name: clusterName, resourceId: clusterId }),
    pod: { namespace: text(input.pod?.namespace, 'the namespace', 63), name: text(input.pod?.name, 'the pod name', 253) },
    requester: actor(input.requester),
    tenantId: input.tenantId.toLowerCase(),
    conversationId: text(input.conversationId, 'the conversation id', 1024),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    status: 'pending',
    evidence,
  };
}

/** What a press of **Request fix** led to: a new pending request, or the one already waiting for the same grant. */
export interface FixRequestResult {
  request: FixRequest;
  /**
   * True when `request` is an earlier request for the same grant in the tenant that is still under way (waiting for
   * approval, or approved and being applied): nothing new was stored.
   */
  alreadyPending: boolean;
}

/**
 * Audits and stores a new pending request under a fresh opaque id — unless a request for the same grant (principal,
 * scope, role) is already waiting for approval in the tenant: then that one is given back (`alreadyPending`) and the
 * press is audited as pointing to it, so that a grant never has two approval cards at once. The record is written
 * first: a request whose record cannot be kept is not accepted (STORE_UNAVAILABLE, nothing stored). Refuses (and
 * audits the refusal of) a fix the bot would never apply (FIX_REFUSED) and malformed input (INVALID_INPUT); BUSY when
 * someone else's request for the same grant is being stored at this very moment.
 */
export async function requestFix(ctx: FixContext, input: NewFixRequest): Promise<FixRequestResult> {
  const now = ctx.now();
  let request: FixRequest;
  try {
    request = buildRequest(input, newFixRequestId(), now, ctx.requestTtlMs);
  } catch (error) {
    if (!isPullDoctorError(error)) throw error;
    const requester =
      typeof input.requester?.objectId === 'string' && isGuid(input.requester.objectId) ? actor(input.requester) : undefined;
    await auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.requested,
        result: 'refused',
        request: {},
        actor: requester,
        reason: describeError(error).message,
        turnId: input.turnId,
        details: { errorCode: error.code },
      },
      now,
    );
    throw error;
  }
  const grant = new PendingGrant(ctx, request, now);
  const claim = await grant.claim().catch((error: unknown) => {
    const why = describeError(error);
    throw new PullDoctorError(
      'STORE_UNAVAILABLE',
      `The fix request was not accepted and nothing was stored, because the store could not be read (${why.message}).`,
      {
        cause: error,
        advice: why.advice,
      },
    );
  });
  if (claim.kind === 'pending') {
    await auditAfterTheFact(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.requested,
        result: 'already-pending',
        request: claim.request,
        actor: request.requester,
        reason: 'A request for the same grant is already waiting for approval; no second one was made.',
        turnId: input.turnId,
      },
      now,
    );
    ctx.log.info('fix already requested: pointing to the pending request', { fixRequestId: claim.request.id });
    return { request: claim.request, alreadyPending: true };
  }
  if (claim.kind === 'busy') {
    throw new PullDoctorError('BUSY', 'Someone is requesting this same fix at this very moment.', {
      advice: 'Press Request fix again in a few seconds: you will be shown their request.',
    });
  }
  try {
    request = await storeRequest(ctx, request, input.turnId, now, grant);
  } catch (error) {
    await grant.release();
    throw error;
  }
  ctx.log.info('fix requested', { fixRequestId: request.id, requester: request.requester.objectId, scope: request.fix.scope });
  return { request, alreadyPending: false };
}

async function storeRequest(ctx: FixContext, first: FixRequest, turnId: string | undefined, now: Date, grant: PendingGrant) {
  let request = first;
  for (let attempt = 1; ; attempt++) {
    await auditBeforeActing(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.requested,
        result: 'ok',
        request,
        actor: request.requester,
        turnId,
        details: { expiresAt: request.expiresAt, ...(request.evidence.cause ? { cause: request.evidence.cause } : {}) },
      },
      now,
      'The fix request was not accepted and nothing was stored',
    );
    try {
      await ctx.store.documents.create(FIX_REQUESTS_COLLECTION, request.id, request);
      return request;
    } catch (error) {
      // The record above is now untrue: say so in the log that holds it.
      await auditAfterTheFact(
        ctx.store.audit,
        ctx.log,
        {
          action: FIX_AUDIT_ACTIONS.requested,
          result: 'failed',
          request: { id: request.id },
          actor: request.requester,
          reason: 'The request could not be stored; nothing was kept under this id.',
          turnId,
          details: { errorCode: describeError(error).code },
        },
        now,
      );
      // 144 random bits do not collide; if the store says they did, draw again rather than fail.
      if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT' || attempt >= 3) throw error;
      request = { ...request, id: newFixRequestId() };
      await grant.repoint(request.id);
    }
  }
}

/** The store collection that names, per grant and tenant, the request that holds it while it waits for approval. */
export const PENDING_GRANTS_COLLECTION = 'fix-pending-grants';

/**
 * A claim younger than this whose request is not stored yet is someone's request being written right now; an older
 * one was left by a request that was never stored (its audit record could not be written, or the process stopped).
 */
const CLAIM_SETTLE_MS = 60_000;

interface GrantClaim {
  fixRequestId: string;
  claimedAt: string;
}

const isGrantClaim = (v: unknown): v is GrantClaim =>
  v !== null &&
  typeof v === 'object' &&
  typeof (v as GrantClaim).fixRequestId === 'string' &&
  typeof (v as GrantClaim).claimedAt === 'string';

/**
 * One pending request per grant: a document per (tenant, principal, scope, role), created with compare-and-swap
 * before the request is stored, so that of two presses at the same moment exactly one makes a request. It is never
 * cleaned up when the request is decided, withdrawn or expires: a claim whose request no longer waits is stale, and
 * the next request takes it over.
 */
class PendingGrant {
  private readonly key: string;
  private etag: string | undefined;

  constructor(
    private readonly ctx: FixContext,
    private readonly request: FixRequest,
    private readonly now: Date,
  ) {
    const { fix, tenantId } = request;
    this.key = createHash('sha256')
      .update(JSON.stringify([tenantId, fix.principalId, fix.scope, fix.roleDefinitionId].map((part) => part.toLowerCase())))
      .digest('hex');
  }

  async claim(): Promise<{ kind: 'claimed' } | { kind: 'pending'; request: FixRequest } | { kind: 'busy' }> {
    const { documents } = this.ctx.store;
    const mine: GrantClaim = { fixRequestId: this.request.id, claimedAt: this.now.toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      const held = await documents.get<unknown>(PENDING_GRANTS_COLLECTION, this.key);
      try {
        if (held === null) {
          this.etag = await documents.create(PENDING_GRANTS_COLLECTION, this.key, mine);
          return { kind: 'claimed' };
        }
        const holder = isGrantClaim(held.value) ? await this.holder(held.value) : 'stale';
        if (holder !== 'stale') return holder;
        this.etag = await documents.replace(PENDING_GRANTS_COLLECTION, this.key, mine, held.etag);
        return { kind: 'claimed' };
      } catch (error) {
        // Someone else claimed or took over meanwhile: look again.
        if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT') throw error;
      }
    }
    return { kind: 'busy' };
  }

  /** After the request id was drawn again: the claim names the new one. */
  async repoint(fixRequestId: string): Promise<void> {
    if (this.etag === undefined) return;
    const claim: GrantClaim = { fixRequestId, claimedAt: this.now.toISOString() };
    this.etag = await this.ctx.store.documents.replace(PENDING_GRANTS_COLLECTION, this.key, claim, this.etag);
  }

  /** The request was not stored: the claim goes (if it stays, it turns stale once CLAIM_SETTLE_MS have passed). */
  async release(): Promise<void> {
    if (this.etag === undefined) return;
    await this.ctx.store.documents.delete(PENDING_GRANTS_COLLECTION, this.key, this.etag).catch((error: unknown) => {
      this.ctx.log.warn('could not release the claim of a fix request that was not stored; it lapses', { error });
    });
  }

  /** What a claim held by someone else means now: their request is waiting, being stored, or the claim is stale. */
  private async holder(claim: GrantClaim): Promise<{ kind: 'pending'; request: FixRequest } | { kind: 'busy' } | 'stale'> {
    const stored = await this.ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, claim.fixRequestId);
    if (stored === null) {
      const age = this.now.getTime() - Date.parse(claim.claimedAt);
      return age >= 0 && age < CLAIM_SETTLE_MS ? { kind: 'busy' } : 'stale';
    }
    const request = stored.value;
    if (!isStoredFixRequest(request, claim.fixRequestId)) return 'stale';
    // Approved and being applied counts too: a second request could only find the grant already made.
    const waiting =
      (request.status === 'pending' && this.now.getTime() < Date.parse(request.expiresAt)) ||
      request.status === 'approved' ||
      request.status === 'executing';
    return waiting ? { kind: 'pending', request } : 'stale';
  }
}
