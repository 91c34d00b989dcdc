import { FIX_REQUEST_STATUSES, type FixRequest } from './fix-request.js';
import { fixProblem } from './allowed-fix.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isActor = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && GUID.test(String((v as Record<string, unknown>).objectId)) && typeof (v as Record<string, unknown>).displayName === 'string';

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
  if (!GUID.test(String(r.tenantId))) return 'no tenant';
  if (!isText(r.conversationId)) return 'no conversation';
  if (!TIME.test(String(r.createdAt)) || !TIME.test(String(r.expiresAt))) return 'no creation or expiry time';
  if (!FIX_REQUEST_STATUSES.includes(r.status as never)) return `unknown status ${String(r.status)}`;
  const evidence = r.evidence as Record<string, unknown> | null;
  if (evidence === null || typeof evidence !== 'object' || !Array.isArray(evidence.lines) || !evidence.lines.every((l) => typeof l === 'string')) {
    return 'no evidence';
  }
  if (r.decision !== undefined) {
    const d = r.decision as Record<string, unknown>;
    if ((d.kind !== 'approved' && d.kind !== 'rejected') || !isActor(d.by) || !TIME.test(String(d.at))) return 'a malformed decision';
    // decideFix never lets the requester decide: a document that says so was not written by it.
    if (d.kind === 'approved' && String((d.by as Record<string, unknown>).objectId).toLowerCase() === String((r.requester as Record<string, unknown>).objectId).toLowerCase()) {
      return 'approved by its own requester';
    }
  }
  const needsDecision = r.status === 'approved' || r.status === 'rejected' || r.status === 'executing' || r.status === 'completed' || r.status === 'failed';
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
