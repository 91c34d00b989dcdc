import type { Cause, Fix } from '../diagnosis/types.js';
import {
  registryNameOf,
  roleNameOf,
  type FixOutcomeKind,
  type FixRefusal,
  type FixRefusalReason,
  type FixRequestStatus,
  type FixRequestView,
} from '../fixes/index.js';
import { CAUSE_IN_PLAIN_WORDS, inertText, TEXT_LIMITS } from './cards.js';
import type { ConversationAddress } from './conversations.js';
import { targetText } from './diagnosis-card-data.js';
import type { DiagnosisTarget } from '../diagnosis/types.js';
import { formatUtc } from '../diagnosis/format-utc.js';

// The template data of the fix approval flow's cards: the receipt (fix requested), the approval card, a refused press.

/** Who pressed a button, as Teams identifies them. */
export interface TeamsUser {
  id: string;
  name?: string;
  aadObjectId?: string;
}

/** A request to apply a diagnosis's fix, built from facts stored server-side when the card was sent. */
export interface TeamsFixRequest {
  target: DiagnosisTarget;
  fix: Fix;
  cause: Cause | null;
  /** When the diagnosis that proposed the fix finished. */
  diagnosedAt: string;
  /** The cluster the diagnosis ran on: its configured name and/or AKS resource id, when the diagnosis knew them. */
  cluster?: { name?: string; resourceId?: string };
  /** A few lines of the diagnosis's evidence (image, key event, failed checks), as the cluster gave them: not inert. */
  evidence?: string[];
  requestedBy: TeamsUser;
  conversationId: string;
  /** The Entra tenant the press came from (`conversation.tenantId`, else `channelData.tenant.id`). */
  tenantId?: string;
  /** Where to post in the conversation afterwards (the approval card). */
  conversation: ConversationAddress;
}

export interface FixRequestReceipt {
  /** A short reference the requester can quote (shown on the card). */
  reference: string;
  /** What happens next, in plain words (e.g. "An approver has been asked in #ops-approvals"). */
  nextStep?: string;
  /**
   * Work for after the invoke's HTTP answer (post the approval card): Teams waits seconds at most for the answer.
   * The bot runs it once the answer is out, and a graceful shutdown waits for it.
   */
  followUp?: () => Promise<void>;
}

/**
 * The next step is the bot's own sentence (who can approve, until when, and in a personal chat that nobody else sees
 * the card): longer than a summary, and cut only if an approvers text is absurdly long.
 */
const NEXT_STEP_LIMIT = 800;

/** Template data for cards/fix-requested.json. */
export function fixRequestedCardData(request: TeamsFixRequest, receipt: FixRequestReceipt, sandbox: boolean): object {
  const by = request.requestedBy.name ?? request.requestedBy.id;
  return {
    sandbox,
    target: targetText(request.target),
    facts: [
      { title: 'Reference', value: inertText(receipt.reference, TEXT_LIMITS.name) },
      {
        title: 'Change',
        value: `Assign ${inertText(roleNameOf(request.fix.roleDefinitionId), TEXT_LIMITS.name)} on ${inertText(registryNameOf(request.fix.scope), TEXT_LIMITS.name)} to the kubelet identity ${inertText(request.fix.principalId, TEXT_LIMITS.name)}`,
      },
      { title: 'Requested by', value: inertText(by, TEXT_LIMITS.name) },
    ],
    nextStep: inertText(receipt.nextStep, NEXT_STEP_LIMIT),
  };
}

export interface FixApprovalCardInput {
  /** `describeFixRequest(request, now)`: plain data, no secrets. */
  view: FixRequestView;
  /** Who may decide, in words (configured by the bot: "2 people in APPROVERS", "Sandbox approvers: …"). */
  approvers: string;
  /** A refusal for the person who pressed a button (in the answer to their press only). */
  notice?: string;
  sandbox: boolean;
}

/** The verbs of the approval card's buttons; their data is only `{ id }` (the fix request's opaque id). */
export const FIX_DECISION_VERBS = { approve: 'approveFix', reject: 'rejectFix' } as const;

/** Card limits: evidence lines shown, and the length of advice lines (the 403 advice carries an az command). */
export const FIX_APPROVAL_CARD_LIMITS = { evidenceLines: 6, adviceLine: 1500, adviceLines: 6 } as const;

const HEADER: Record<FixRequestStatus, { icon: string; style: string }> = {
  pending: { icon: '🔐', style: 'accent' },
  approved: { icon: '⏳', style: 'accent' },
  executing: { icon: '⏳', style: 'accent' },
  completed: { icon: '✅', style: 'good' },
  failed: { icon: '❌', style: 'attention' },
  rejected: { icon: '🚫', style: 'emphasis' },
  expired: { icon: '⌛', style: 'emphasis' },
};

const RESULT: Record<FixOutcomeKind, string> = {
  created: 'Role assignment created',
  exists: 'Azure already had this role assignment',
  'already-fixed': 'Nothing to do: the kubelet identity can already pull',
  failed: 'Failed: nothing was changed',
};

const name = (value: string) => inertText(value, TEXT_LIMITS.name);

/** The card's status line: who decided and when, or until when it waits (absolute times: a card is not a clock). */
function statusLine(view: FixRequestView): string {
  const decided = view.decision
    ? `${view.decision.kind === 'approved' ? 'Approved' : 'Rejected'} by ${name(view.decision.by)} at ${formatUtc(view.decision.at)}`
    : '';
  switch (view.status) {
    case 'pending':
      return `Waiting for an approver until ${formatUtc(view.expiresAt)}`;
    case 'expired':
      return `Expired at ${formatUtc(view.expiresAt)} without a decision: nothing was changed`;
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

function whyLines(view: FixRequestView): Array<{ text: string }> {
  const lines = view.why.lines
    .slice(0, FIX_APPROVAL_CARD_LIMITS.evidenceLines)
    .map((l) => ({ text: `• ${inertText(l, TEXT_LIMITS.message, 'middle')}` }));
  const more = view.why.lines.length - lines.length;
  if (more > 0) lines.push({ text: `…and ${more} more` });
  return lines;
}

function outcome(view: FixRequestView): object {
  const o = view.outcome;
  if (o === undefined) return { shown: false };
  const advice = (o.advice ?? '')
    .split('\n')
    .map((l) => inertText(l, FIX_APPROVAL_CARD_LIMITS.adviceLine))
    .filter((l) => l !== '')
    .slice(0, FIX_APPROVAL_CARD_LIMITS.adviceLines)
    .map((text) => ({ text }));
  const rediagnosis = o.rediagnosis ? inertText(o.rediagnosis.text, TEXT_LIMITS.message) : '';
  return {
    shown: true,
    result: `${RESULT[o.kind]} (${formatUtc(o.at)})`,
    summary: inertText(o.summary, TEXT_LIMITS.message),
    advice,
    assignment: o.roleAssignmentId ? inertText(o.roleAssignmentId, 400) : '',
    rediagnosis,
    reminder: o.kind === 'failed' ? '' : inertText(o.reminder, TEXT_LIMITS.message),
  };
}

/**
 * Template data for cards/fix-approval.json: who asks what for whom (role, kubelet identity, registry), why, until
 * when, who decided and what happened. Every value that comes from a cluster, Azure or a person is made inert. The
 * buttons carry only the request's opaque id.
 */
export function fixApprovalCardData(input: FixApprovalCardInput): object {
  const { view } = input;
  const header = HEADER[view.status];
  const cluster = name(view.target.cluster);
  return {
    sandbox: input.sandbox,
    style: header.style,
    title: `${header.icon} ${inertText(view.headline, TEXT_LIMITS.summary)}`,
    status: statusLine(view),
    notice: input.notice === undefined ? '' : inertText(input.notice, TEXT_LIMITS.summary),
    facts: [
      { title: 'Requested by', value: `${name(view.requestedBy.name)} at ${formatUtc(view.requestedAt)}` },
      { title: 'Role', value: `${name(view.change.role)} (role definition ${inertText(view.change.roleDefinitionId, 300)})` },
      { title: 'For', value: `the kubelet identity of ${cluster}, object id ${name(view.change.principalId)}` },
      { title: 'On', value: `the container registry ${name(view.change.registry)}: ${inertText(view.change.scope, 400)}` },
      { title: 'Pod', value: `${name(view.target.namespace)}/${name(view.target.pod)} on cluster ${cluster}` },
      ...(view.status === 'pending' ? [{ title: 'Expires', value: formatUtc(view.expiresAt) }] : []),
    ],
    cause: view.why.cause === null ? 'the diagnosis proposed this change.' : CAUSE_IN_PLAIN_WORDS[view.why.cause],
    why: whyLines(view),
    // Once decided or expired, who could have approved is no longer news.
    approvers: view.canDecide ? inertText(input.approvers, TEXT_LIMITS.summary) : '',
    outcome: outcome(view),
    reference: inertText(view.id, 40),
    canDecide: view.canDecide,
    id: view.id,
    verbs: FIX_DECISION_VERBS,
  };
}

/** What the person who pressed can do about a refusal that shows no request (it may not be theirs to see). */
const ADVICE: Partial<Record<FixRefusalReason, string>> = {
  'altered-card': 'Use the Approve and Reject buttons of the approval card as Pull Doctor posted it.',
  'unknown-request': 'Run the diagnosis again and request the fix anew if it is still needed.',
  'wrong-conversation': 'Decide in the conversation where the fix was requested: its approval card is there.',
  'wrong-tenant': 'Only people of the organisation where the fix was requested can decide on it.',
};

/** Template data for cards/fix-refused.json: a refused press that cannot show the request (none, or not here). */
export function fixRefusedCardData(refusal: FixRefusal, sandbox: boolean): object {
  return {
    sandbox,
    message: inertText(refusal.message, TEXT_LIMITS.message),
    advice: ADVICE[refusal.reason] ?? 'Ask an approver to look at the approval card.',
    reason: refusal.reason,
  };
}
