import { formatUtc } from '../diagnosis/format-utc.js';
import type { Cause, Verdict } from '../diagnosis/types.js';
import { registryNameOf, roleNameOf } from './allowed-fix.js';
import type { FixOutcomeKind, FixRequest, FixRequestStatus } from './fix-request.js';

/** What a card shows about a fix request: plain data, no Teams types, no secrets. */
export interface FixRequestView {
  id: string;
  /** "Grant AcrPull on shopacr to the kubelet identity of aks-prod". */
  headline: string;
  requestedBy: { name: string; objectId: string };
  requestedAt: string;
  change: { role: string; roleDefinitionId: string; registry: string; scope: string; principalId: string };
  target: { cluster: string; clusterResourceId?: string | undefined; namespace: string; pod: string };
  /**
   * Why the change is asked for: the root cause in one sentence (the diagnosis's headline, or — for requests made
   * before it was kept — the missing role in words), the cause, and the evidence lines.
   */
  why: { sentence: string; cause: Cause | null; lines: string[] };
  /** As stored, except that a pending request past its expiry reads `expired`. */
  status: FixRequestStatus;
  /** One line for the card's status, with absolute times: "Waiting for an approver until 2025-03-14 10:00:00 UTC". */
  statusText: string;
  expiresAt: string;
  expired: boolean;
  /** Whether Approve / Reject (and the requester's Withdraw) make sense now. */
  canDecide: boolean;
  /** Whether the pod's checks can be run again to see the effect of the change (the fix was applied). */
  canRecheck: boolean;
  decision?: { kind: 'approved' | 'rejected'; by: string; at: string } | undefined;
  withdrawal?: { by: string; at: string } | undefined;
  outcome?: {
    kind: FixOutcomeKind;
    summary: string;
    at: string;
    advice?: string;
    reminder?: string;
    roleAssignmentId?: string;
    rediagnosis?: { at: string; verdict?: Verdict; cause?: Cause | null; text: string };
  };
}

function statusText(request: FixRequest, status: FixRequestStatus): string {
  const d = request.decision;
  const decided = d ? `${d.kind === 'approved' ? 'Approved' : 'Rejected'} by ${d.by.displayName} at ${formatUtc(d.at)}` : '';
  switch (status) {
    case 'pending':
      return `Waiting for an approver until ${formatUtc(request.expiresAt)}`;
    case 'expired':
      return `Expired at ${formatUtc(request.expiresAt)} without a decision: nothing was changed`;
    case 'withdrawn':
      return `Withdrawn by ${request.withdrawal?.by.displayName ?? request.requester.displayName} at ${formatUtc(request.withdrawal?.at)}: nothing was changed`;
    case 'rejected':
      return `${decided}: nothing was changed`;
    case 'approved':
    case 'executing':
      return `${decided}: applying the change…`;
    case 'completed':
      return `${decided}: done`;
    case 'failed':
      return `${decided}: the change could not be applied`;
  }
}

/** The view of `request` at time `now`. */
export function describeFixRequest(request: FixRequest, now: Date): FixRequestView {
  const expired = request.status === 'expired' || (request.status === 'pending' && now.getTime() >= Date.parse(request.expiresAt));
  const status: FixRequestStatus = request.status === 'pending' && expired ? 'expired' : request.status;
  const role = roleNameOf(request.fix.roleDefinitionId);
  const registry = registryNameOf(request.fix.scope);
  const cluster = request.cluster.name ?? registryNameOf(request.cluster.resourceId ?? '');
  const view: FixRequestView = {
    id: request.id,
    headline: `Grant ${role} on ${registry} to the kubelet identity of ${cluster}`,
    requestedBy: { name: request.requester.displayName, objectId: request.requester.objectId },
    requestedAt: request.createdAt,
    change: {
      role,
      roleDefinitionId: request.fix.roleDefinitionId,
      registry,
      scope: request.fix.scope,
      principalId: request.fix.principalId,
    },
    target: { cluster, clusterResourceId: request.cluster.resourceId, namespace: request.pod.namespace, pod: request.pod.name },
    why: {
      sentence: request.evidence.headline ?? `The kubelet identity of ${cluster} has no role that lets it pull from ${registry}.`,
      cause: request.evidence.cause,
      lines: [...request.evidence.lines],
    },
    status,
    statusText: statusText(request, status),
    expiresAt: request.expiresAt,
    expired,
    canDecide: status === 'pending',
    canRecheck: status === 'completed',
  };
  if (request.decision) view.decision = { kind: request.decision.kind, by: request.decision.by.displayName, at: request.decision.at };
  if (request.withdrawal) view.withdrawal = { by: request.withdrawal.by.displayName, at: request.withdrawal.at };
  const o = request.outcome;
  if (o) {
    view.outcome = { kind: o.kind, summary: o.summary, at: o.at };
    if (o.advice) view.outcome.advice = o.advice;
    if (o.reminder) view.outcome.reminder = o.reminder;
    if (o.roleAssignmentId) view.outcome.roleAssignmentId = o.roleAssignmentId;
    if (o.rediagnosis) {
      view.outcome.rediagnosis =
        'verdict' in o.rediagnosis
          ? { at: o.rediagnosis.at, verdict: o.rediagnosis.verdict, cause: o.rediagnosis.cause, text: o.rediagnosis.summary }
          : { at: o.rediagnosis.at, text: `The diagnosis could not be re-run: ${o.rediagnosis.error}` };
    }
  }
  return view;
}
