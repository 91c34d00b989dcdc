import { CAUSES, type Cause, type Fix } from '../diagnosis/types.js';
import { describeError, isPullDoctorError, PullDoctorError } from '../errors/index.js';
import { redactText } from '../logging/redact.js';
import { definedOnly } from '../store/store.js';
import { assertAllowedFix } from './allowed-fix.js';
import { auditAfterTheFact, auditBeforeActing, FIX_AUDIT_ACTIONS } from './fix-audit.js';
import type { FixContext } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, newFixRequestId, type FixActor, type FixRequest } from './fix-request.js';

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
  /** Why: the cause and a few short lines (strings only; anything secret-looking is redacted). */
  evidence?: { cause?: Cause | null; lines?: readonly string[] };
  /** Correlates the audit record with the turn's logs. */
  turnId?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_EVIDENCE_LINES = 10;
const MAX_EVIDENCE_LINE = 300;
const MAX_NAME = 256;

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
  if (typeof value?.objectId !== 'string' || !GUID.test(value.objectId))
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

function evidenceLines(lines: readonly unknown[] | undefined): string[] {
  return (lines ?? [])
    .filter((l): l is string => typeof l === 'string' && l.trim() !== '')
    .slice(0, MAX_EVIDENCE_LINES)
    .map((l) => {
      const line = redactText(l.replace(/\s+/g, ' ').trim());
      return line.length > MAX_EVIDENCE_LINE ? `${line.slice(0, MAX_EVIDENCE_LINE - 1)}…` : line;
    });
}

/** The request as it will be stored, or INVALID_INPUT / FIX_REFUSED. */
function buildRequest(input: NewFixRequest, id: string, now: Date, ttlMs: number): FixRequest {
  const fix = assertAllowedFix(input.fix);
  const clusterName = optionalText(input.cluster?.name, 'the cluster name', 253);
  const clusterId = optionalText(input.cluster?.resourceId, 'the cluster resource id', 512);
  if (clusterName === undefined && clusterId === undefined) throw invalid('name the cluster or give its resource id');
  if (typeof input.tenantId !== 'string' || !GUID.test(input.tenantId)) throw invalid('the tenant id must be a GUID');
  const cause = input.evidence?.cause ?? null;
  if (cause !== null && !CAUSES.includes(cause)) throw invalid(`"${String(cause)}" is not a cause`);
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
    evidence: { cause, lines: evidenceLines(input.evidence?.lines) },
  };
}

/**
 * Audits and stores a new pending request under a fresh opaque id. The record is written first: a request whose
 * record cannot be kept is not accepted (STORE_UNAVAILABLE, nothing stored). Refuses (and audits the refusal of)
 * a fix the bot would never apply (FIX_REFUSED) and malformed input (INVALID_INPUT).
 */
export async function requestFix(ctx: FixContext, input: NewFixRequest): Promise<FixRequest> {
  const now = ctx.now();
  let request: FixRequest;
  try {
    request = buildRequest(input, newFixRequestId(), now, ctx.requestTtlMs);
  } catch (error) {
    if (!isPullDoctorError(error)) throw error;
    const requester =
      typeof input.requester?.objectId === 'string' && GUID.test(input.requester.objectId) ? actor(input.requester) : undefined;
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
  for (let attempt = 1; ; attempt++) {
    await auditBeforeActing(
      ctx.store.audit,
      ctx.log,
      {
        action: FIX_AUDIT_ACTIONS.requested,
        result: 'ok',
        request,
        actor: request.requester,
        turnId: input.turnId,
        details: { expiresAt: request.expiresAt, ...(request.evidence.cause ? { cause: request.evidence.cause } : {}) },
      },
      now,
      'The fix request was not accepted and nothing was stored',
    );
    try {
      await ctx.store.documents.create(FIX_REQUESTS_COLLECTION, request.id, request);
      break;
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
          turnId: input.turnId,
          details: { errorCode: describeError(error).code },
        },
        now,
      );
      // 144 random bits do not collide; if the store says they did, draw again rather than fail.
      if (!isPullDoctorError(error) || error.code !== 'STORE_CONFLICT' || attempt >= 3) throw error;
      request = { ...request, id: newFixRequestId() };
    }
  }
  ctx.log.info('fix requested', { fixRequestId: request.id, requester: request.requester.objectId, scope: request.fix.scope });
  return request;
}
