import type { Diagnosis, Fix } from '../diagnosis/types.js';
import { describeError } from '../errors/index.js';
import { redactText } from '../logging/redact.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, FIX_AUDIT_ACTIONS, type FixAuditEvent } from './fix-audit.js';
import { registryNameOf } from './allowed-fix.js';
import type { FixContext, RediagnosisSummary } from './fix-context.js';
import { fixRefusal, type FixRefusal } from './decide-fix.js';
import {
  FIX_REQUESTS_COLLECTION,
  isStoredFixRequest,
  readFixActionData,
  type FixActor,
  type FixOutcome,
  type FixRequest,
  type RediagnosisRecord,
} from './fix-request.js';
import { isGuid } from '../clients/azure/resource-id.js';

const MAX_SUMMARY = 500;

/**
 * Re-runs the diagnosis after a successful fix and stores what it says on the outcome (a failure to diagnose is
 * recorded too; it never undoes the fix). Returns the request as stored afterwards.
 */
export async function rediagnoseAfterFix(ctx: FixContext, request: FixRequest, outcome: FixOutcome): Promise<FixRequest> {
  const record = await rediagnosisRecord(ctx, request);
  const stored = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, request.id, (cur) =>
    cur !== null && cur.status === 'completed' && cur.outcome?.at === outcome.at && cur.outcome.rediagnosis === undefined
      ? { ...cur, outcome: { ...cur.outcome, rediagnosis: record } }
      : undefined,
  );
  await auditRediagnosis(ctx, request, record);
  return stored?.changed ? stored.value : request;
}

/** A press of **Re-run checks** on the card of an applied fix, as the transport received it. */
export interface FixRecheckInput {
  /** The card action's data: exactly `{ id }`, the fix request's opaque id. */
  actionData: unknown;
  actor: FixActor;
  tenantId: string;
  conversationId: string;
}

/**
 * A re-check the press may run: the request as it stands, and `rediagnose`, which runs the checks (seconds: the
 * transport answers the press first) and resolves with the request as stored afterwards.
 */
export type FixRecheckResult =
  { ok: true; request: FixRequest; rediagnose: () => Promise<FixRequest> } | { ok: false; refusal: FixRefusal; request?: FixRequest };

/** Presses within this long of the last re-diagnosis get that one (a double click runs the checks once). */
const RECHECK_SETTLE_MS = 10_000;

/**
 * **Re-run checks** on the card of an applied fix: the pod's diagnosis again, stored on the outcome in place of the
 * previous one and audited with who asked. Anyone in the request's conversation and tenant may ask (it changes
 * nothing in Azure); the card's data must be exactly the request's id. The press is checked at once; the diagnosis
 * runs when `rediagnose` is called.
 */
export async function recheckAfterFix(ctx: FixContext, input: FixRecheckInput): Promise<FixRecheckResult> {
  const { id, ignoredFields } = readFixActionData(input.actionData);
  if (ignoredFields.length > 0) return { ok: false, refusal: fixRefusal('altered-card') };
  const stored = id === undefined ? null : await ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, id);
  if (id === undefined || stored === null || !isStoredFixRequest(stored.value, id))
    return { ok: false, refusal: fixRefusal('unknown-request') };
  const request = stored.value;
  if (String(input.tenantId).toLowerCase() !== request.tenantId) return { ok: false, refusal: fixRefusal('wrong-tenant') };
  if (input.conversationId !== request.conversationId) return { ok: false, refusal: fixRefusal('wrong-conversation') };
  if (request.status !== 'completed' || request.outcome === undefined || ctx.rediagnose === undefined)
    return { ok: false, refusal: fixRefusal('not-applied'), request };
  const rediagnose = async (): Promise<FixRequest> => {
    const latest = await ctx.store.documents.get<unknown>(FIX_REQUESTS_COLLECTION, id);
    const current = latest !== null && isStoredFixRequest(latest.value, id) ? latest.value : request;
    const last = current.outcome?.rediagnosis;
    if (last !== undefined && ctx.now().getTime() - Date.parse(last.at) < RECHECK_SETTLE_MS) return current;
    const record = await rediagnosisRecord(ctx, request);
    const result = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, id, (cur) =>
      cur !== null && isStoredFixRequest(cur, id) && cur.status === 'completed' && cur.outcome !== undefined
        ? { ...cur, outcome: { ...cur.outcome, rediagnosis: record } }
        : undefined,
    );
    await auditRediagnosis(ctx, request, record, isGuid(input.actor?.objectId) ? input.actor : undefined);
    return result?.value ?? request;
  };
  return { ok: true, request, rediagnose };
}

/** What the diagnosis says now, as kept on the outcome: its sentence (redacted, bounded), or why it could not run. */
async function rediagnosisRecord(ctx: FixContext, request: FixRequest): Promise<RediagnosisRecord> {
  try {
    const summary = await ctx.rediagnose!(request);
    const text = redactText(String(summary.summary ?? ''));
    return {
      at: ctx.now().toISOString(),
      verdict: summary.verdict,
      cause: summary.cause,
      summary: text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text,
    };
  } catch (error) {
    ctx.log.warn('re-diagnosis after the fix failed', { fixRequestId: request.id, error });
    return { at: ctx.now().toISOString(), error: describeError(error).message };
  }
}

function auditRediagnosis(ctx: FixContext, request: FixRequest, record: RediagnosisRecord, actor?: FixActor): Promise<void> {
  const event: FixAuditEvent =
    'verdict' in record
      ? {
          action: FIX_AUDIT_ACTIONS.rediagnosed,
          result: record.verdict,
          request,
          actor,
          reason: record.summary || undefined,
          details: record.cause ? { cause: record.cause } : undefined,
        }
      : { action: FIX_AUDIT_ACTIONS.rediagnosed, result: 'error', request, actor, reason: record.error };
  return auditAfterTheFact(ctx.store.audit, ctx.log, event, ctx.now());
}

const sameFix = (a: Fix, b: Fix) =>
  a.principalId.toLowerCase() === b.principalId.toLowerCase() &&
  a.scope.toLowerCase() === b.scope.toLowerCase() &&
  a.roleDefinitionId.toLowerCase() === b.roleDefinitionId.toLowerCase();

/**
 * What the diagnosis after a fix says, in a sentence for the approval card and the audit log: healthy; still no role
 * (a new assignment takes a minute or two); or the roles allow pulling now and what the pod still reports.
 */
export function rediagnosisSummary(d: Diagnosis, fix: Fix): RediagnosisSummary {
  const registry = registryNameOf(fix.scope);
  const base = { verdict: d.verdict, cause: d.cause };
  if (d.verdict === 'healthy') return { ...base, summary: 'The pod is healthy now.' };
  if (d.fix !== null && sameFix(d.fix, fix)) {
    return {
      ...base,
      summary: `The diagnosis still finds no role that lets the kubelet identity pull from ${registry}: a new role assignment can take a minute or two to take effect. Re-run the checks shortly.`,
    };
  }
  const still = d.findings.find((f) => f.status === 'fail' && f.check !== 'acr-pull-role');
  const now = `The kubelet identity's roles now allow pulling from ${registry}.`;
  if (d.verdict === 'unknown') return { ...base, summary: `${now} Some checks could not run, so there is no verdict for the pod yet.` };
  return {
    ...base,
    summary: still
      ? `${now} The pod still reports: ${still.summary} It should change at the kubelet's next pull attempt.`
      : `${now} The pod is not healthy yet; it should change at the kubelet's next pull attempt.`,
  };
}
