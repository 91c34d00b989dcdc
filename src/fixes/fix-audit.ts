import { describeError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { assertAuditRecord, type AppendLog, type AuditRecord } from '../store/index.js';
import { roleNameOf } from './allowed-fix.js';
import type { FixActor, FixRequest } from './fix-request.js';

/** The audit actions of the fix flow, one per kind of event. */
export const FIX_AUDIT_ACTIONS = {
  requested: 'fix.requested',
  approved: 'fix.approved',
  rejected: 'fix.rejected',
  withdrawn: 'fix.withdrawn',
  refused: 'fix.refused',
  expired: 'fix.expired',
  executionStarted: 'fix.execution-started',
  writeRetry: 'fix.write-retry',
  applied: 'fix.applied',
  failed: 'fix.failed',
  rediagnosed: 'fix.rediagnosed',
  restored: 'fix.restored',
} as const;

export interface FixAuditEvent {
  action: (typeof FIX_AUDIT_ACTIONS)[keyof typeof FIX_AUDIT_ACTIONS];
  result: string;
  /** The request, or only the id that was named when no request was found. */
  request: FixRequest | { id?: string };
  /** Who did it; absent for the bot itself. */
  actor?: FixActor | undefined;
  reason?: string | undefined;
  /** Correlates with the logs of the same turn. */
  turnId?: string | undefined;
  details?: Record<string, string | number | boolean> | undefined;
}

const WITHHELD = '[withheld: looked like a secret]';

/** `text`, or a placeholder when the audit guard would refuse it (a display name like "password=…" is not worth losing the record). */
function auditSafe(text: string): string {
  try {
    assertAuditRecord({ at: '2000-01-01T00:00:00.000Z', action: 'probe', result: 'ok', reason: text });
    return text;
  } catch {
    return WITHHELD;
  }
}

function safeMap<T extends string | number | boolean>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, (typeof v === 'string' ? auditSafe(v) : v) as T]));
}

/** Principal, scope, role, cluster and pod of a request: what every record of it names. */
function fixAuditTarget(request: FixRequest | { id?: string }): Record<string, string> {
  if (!('fix' in request)) return request.id === undefined ? {} : { fixRequestId: request.id };
  const target: Record<string, string> = {
    fixRequestId: request.id,
    principalId: request.fix.principalId,
    scope: request.fix.scope,
    roleDefinitionId: request.fix.roleDefinitionId,
    role: roleNameOf(request.fix.roleDefinitionId),
    namespace: request.pod.namespace,
    pod: request.pod.name,
  };
  if (request.cluster.name !== undefined) target.cluster = request.cluster.name;
  if (request.cluster.resourceId !== undefined) target.clusterResourceId = request.cluster.resourceId;
  return target;
}

function fixAuditRecord(event: FixAuditEvent, at: Date): AuditRecord {
  const record: AuditRecord = {
    at: at.toISOString(),
    action: event.action,
    result: event.result,
    target: safeMap(fixAuditTarget(event.request)),
  };
  if (event.actor) record.actor = { id: event.actor.objectId, name: auditSafe(event.actor.displayName || event.actor.objectId) };
  if (event.reason !== undefined) record.reason = auditSafe(event.reason);
  if (event.turnId !== undefined) record.requestId = auditSafe(event.turnId);
  if (event.details !== undefined) record.details = safeMap(event.details);
  return record;
}

/**
 * Appends a record of something that has already happened. A failing audit log does not undo or hide the fact:
 * the record goes to the error log in full instead, so the trail survives.
 */
export async function auditAfterTheFact(audit: AppendLog<AuditRecord>, log: Logger, event: FixAuditEvent, at: Date): Promise<void> {
  const record = fixAuditRecord(event, at);
  try {
    await audit.append(record);
  } catch (error) {
    log.error('audit record could not be written; keeping it in the log', { audit: record, error });
  }
}

/**
 * Appends a record that must exist before the bot acts: a request or a decision is accepted, and an execution
 * started, only once its record is kept. When the audit log fails, the action is refused with STORE_UNAVAILABLE
 * (`refusal` says what did not happen, e.g. "The approval was not accepted and the request is unchanged") and the
 * caller changes nothing.
 */
export async function auditBeforeActing(
  audit: AppendLog<AuditRecord>,
  log: Logger,
  event: FixAuditEvent,
  at: Date,
  refusal: string,
): Promise<void> {
  const record = fixAuditRecord(event, at);
  try {
    await audit.append(record);
  } catch (error) {
    log.error('audit record could not be written; refusing the action it records', { audit: record, error });
    const why = describeError(error);
    throw new PullDoctorError('STORE_UNAVAILABLE', `${refusal}, because its audit record could not be written (${why.message}).`, {
      cause: error,
      advice: `Pull Doctor accepts no fix request, decision or change it cannot record. ${why.advice} Then try again.`,
    });
  }
}
