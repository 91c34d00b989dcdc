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
  why: { cause: Cause | null; lines: string[] };
  /** As stored, except that a pending request past its expiry reads `expired`. */
  status: FixRequestStatus;
  /** One line for the card's status, e.g. "Waiting for an approver (expires in 42 min)". */
  statusText: string;
  expiresAt: string;
  expired: boolean;
  /** Whether Approve / Reject buttons make sense now. */
  canDecide: boolean;
  decision?: { kind: 'approved' | 'rejected'; by: string; at: string } | undefined;
  outcome?: {
    kind: FixOutcomeKind;
    summary: string;
    at: string;
    advice?: string;
    reminder?: string;
    roleAssignmentId?: string;
    rediagnosis?: { verdict?: Verdict; cause?: Cause | null; text: string };
  };
}

function minutesUntil(at: string, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(at) - now.getTime()) / 60_000));
}

function statusText(request: FixRequest, status: FixRequestStatus, now: Date): string {
  const by = request.decision?.by.displayName;
  switch (status) {
    case 'pending':
      return `Waiting for an approver (expires in ${minutesUntil(request.expiresAt, now)} min)`;
    case 'expired':
      return `Expired at ${request.expiresAt.slice(11, 16)} UTC without a decision`;
    case 'rejected':
      return `Rejected by ${by}`;
    case 'approved':
    case 'executing':
      return `Approved by ${by}; applying the change…`;
    case 'completed':
      return `Approved by ${by}; done: ${request.outcome?.summary ?? ''}`.trim();
    case 'failed':
      return `Approved by ${by}; failed: ${request.outcome?.summary ?? ''}`.trim();
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
    why: { cause: request.evidence.cause, lines: [...request.evidence.lines] },
    status,
    statusText: statusText(request, status, now),
    expiresAt: request.expiresAt,
    expired,
    canDecide: status === 'pending',
  };
  if (request.decision) view.decision = { kind: request.decision.kind, by: request.decision.by.displayName, at: request.decision.at };
  const o = request.outcome;
  if (o) {
    view.outcome = { kind: o.kind, summary: o.summary, at: o.at };
    if (o.advice) view.outcome.advice = o.advice;
    if (o.reminder) view.outcome.reminder = o.reminder;
    if (o.roleAssignmentId) view.outcome.roleAssignmentId = o.roleAssignmentId;
    if (o.rediagnosis) {
      view.outcome.rediagnosis =
        'verdict' in o.rediagnosis
          ? { verdict: o.rediagnosis.verdict, cause: o.rediagnosis.cause, text: o.rediagnosis.summary }
          : { text: `The diagnosis could not be re-run: ${o.rediagnosis.error}` };
    }
  }
  return view;
}
