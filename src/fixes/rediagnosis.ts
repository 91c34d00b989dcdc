import type { Diagnosis, Fix } from '../diagnosis/types.js';
import { describeError } from '../errors/index.js';
import { redactText } from '../logging/redact.js';
import { updateWithRetry } from '../store/index.js';
import { auditAfterTheFact, FIX_AUDIT_ACTIONS, type FixAuditEvent } from './fix-audit.js';
import { registryNameOf } from './allowed-fix.js';
import type { FixContext, RediagnosisSummary } from './fix-context.js';
import { FIX_REQUESTS_COLLECTION, type FixOutcome, type FixRequest, type RediagnosisRecord } from './fix-request.js';

const MAX_SUMMARY = 500;

/**
 * Re-runs the diagnosis after a successful fix and stores what it says on the outcome (a failure to diagnose is
 * recorded too; it never undoes the fix). Returns the request as stored afterwards.
 */
export async function rediagnoseAfterFix(ctx: FixContext, request: FixRequest, outcome: FixOutcome): Promise<FixRequest> {
  let record: RediagnosisRecord;
  try {
    const summary = await ctx.rediagnose!(request);
    const text = redactText(String(summary.summary ?? ''));
    record = {
      at: ctx.now().toISOString(),
      verdict: summary.verdict,
      cause: summary.cause,
      summary: text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text,
    };
  } catch (error) {
    ctx.log.warn('re-diagnosis after the fix failed', { fixRequestId: request.id, error });
    record = { at: ctx.now().toISOString(), error: describeError(error).message };
  }
  const stored = await updateWithRetry<FixRequest>(ctx.store.documents, FIX_REQUESTS_COLLECTION, request.id, (cur) =>
    cur !== null && cur.status === 'completed' && cur.outcome?.at === outcome.at && cur.outcome.rediagnosis === undefined
      ? { ...cur, outcome: { ...cur.outcome, rediagnosis: record } }
      : undefined,
  );
  const event: FixAuditEvent =
    'verdict' in record
      ? {
          action: FIX_AUDIT_ACTIONS.rediagnosed,
          result: record.verdict,
          request,
          reason: record.summary || undefined,
          details: record.cause ? { cause: record.cause } : undefined,
        }
      : { action: FIX_AUDIT_ACTIONS.rediagnosed, result: 'error', request, reason: record.error };
  await auditAfterTheFact(ctx.store.audit, ctx.log, event, ctx.now());
  return stored?.changed ? stored.value : request;
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
