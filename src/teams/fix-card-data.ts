import { formatUtc } from '../diagnosis/format-utc.js';
import type { FixOutcomeKind, FixRefusal, FixRefusalReason, FixRequestStatus, FixRequestView } from '../fixes/index.js';
import { inertText, TEXT_LIMITS } from './cards.js';
import type { CardStatus } from './diagnosis-card-data.js';

// The template data of the fix approval flow's cards: the approval card (cards/fix-approval.json) and a refused press
// that shows no request (cards/fix-refused.json).

/** Who pressed a button, as Teams identifies them. */
export interface TeamsUser {
  id: string;
  name?: string;
  aadObjectId?: string;
}

/** Someone Teams can notify on a card: the id Teams knows them by (`29:…` or the Entra object id) and their name. */
export interface Mention {
  id: string;
  name: string;
}

export interface FixApprovalCardInput {
  /** `describeFixRequest(request, now)`: plain data, no secrets. */
  view: FixRequestView;
  /** Who may decide, in words (configured by the bot: "2 people listed in APPROVERS", "Sandbox approvers: …"). */
  approvers: string;
  /** Approvers to mention by name (channels and group chats; never in a personal chat): they are notified. */
  mentions?: readonly Mention[];
  /** A refusal for the person who pressed a button (in the answer to their press only). */
  notice?: string;
  /** The sandbox only: the approver a one-press "Approve as …" button stands in for (the Playground plays one user). */
  standIn?: string | undefined;
  sandbox: boolean;
}

/** The verbs of the approval card's buttons; their data is only `{ id }` (the fix request's opaque id). */
export const FIX_CARD_VERBS = {
  approve: 'approveFix',
  reject: 'rejectFix',
  /** The requester takes their pending request back. */
  withdraw: 'withdrawFix',
  /** Re-run the pod's checks once the fix is applied. */
  recheck: 'recheckFix',
  /** The sandbox's one-press approval as another Playground user; refused by a bot without stand-ins. */
  approveAs: 'approveFixAs',
} as const;
export type FixCardVerb = keyof typeof FIX_CARD_VERBS;

/** Card limits: evidence lines shown, advice lines (the 403 advice carries an az command), people mentioned. */
export const FIX_APPROVAL_CARD_LIMITS = { evidenceLines: 6, adviceLine: 1500, adviceLines: 6, mentions: 10 } as const;

const HEADER: Record<FixRequestStatus, { icon: string; style: string }> = {
  pending: { icon: '🔐', style: 'accent' },
  approved: { icon: '⏳', style: 'accent' },
  executing: { icon: '⏳', style: 'accent' },
  completed: { icon: '✅', style: 'good' },
  failed: { icon: '❌', style: 'attention' },
  rejected: { icon: '🚫', style: 'emphasis' },
  withdrawn: { icon: '↩️', style: 'emphasis' },
  expired: { icon: '⌛', style: 'emphasis' },
};

const RESULT: Record<FixOutcomeKind, string> = {
  created: 'Role assignment created',
  exists: 'Azure already had this role assignment',
  'already-fixed': 'Nothing to do: the kubelet identity can already pull',
  failed: 'Failed: nothing was changed',
};

const name = (value: string) => inertText(value, TEXT_LIMITS.name);

/**
 * A name as it stands in `<at>…</at>` and in the mention entity's `text` (Teams pairs them by equal text): without
 * what could close the tag, format or link, on one line. Empty when nothing is left.
 */
export function mentionName(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f<>&\\*_[\]()#`~|!{}]/g, '')
    .replace(/:\/\//g, ' ')
    .trim()
    .slice(0, TEXT_LIMITS.name);
}

function evidence(view: FixRequestView): Array<{ text: string }> {
  const lines = view.why.lines
    .slice(0, FIX_APPROVAL_CARD_LIMITS.evidenceLines)
    .map((l) => ({ text: `• ${inertText(l, TEXT_LIMITS.message, 'middle')}` }));
  const more = view.why.lines.length - lines.length;
  if (more > 0) lines.push({ text: `…and ${more} more` });
  return lines;
}

function outcome(view: FixRequestView): object {
  const o = view.outcome;
  // The details' "Role assignment" line reads `assignment` whether or not there is an outcome: '' hides it (undefined
  // would leave the template's own expression on the card).
  if (o === undefined) return { shown: false, assignment: '' };
  const advice = (o.advice ?? '')
    .split('\n')
    .map((l) => inertText(l, FIX_APPROVAL_CARD_LIMITS.adviceLine))
    .filter((l) => l !== '')
    .slice(0, FIX_APPROVAL_CARD_LIMITS.adviceLines)
    .map((text) => ({ text }));
  const r = o.rediagnosis;
  return {
    shown: true,
    result: `${RESULT[o.kind]} (${formatUtc(o.at)})`,
    summary: inertText(o.summary, TEXT_LIMITS.message),
    advice,
    assignment: o.roleAssignmentId ? inertText(o.roleAssignmentId, 400) : '',
    rediagnosis: r ? `**Checks at ${formatUtc(r.at)}:** ${inertText(r.text, TEXT_LIMITS.message)}` : '',
    reminder: o.kind === 'failed' ? '' : inertText(o.reminder, TEXT_LIMITS.message),
  };
}

/** Who can approve: their mentions where Teams can notify them, else the bot's words; and who may withdraw. */
function approversLine(input: FixApprovalCardInput): { text: string; entities: object[] } {
  const people = (input.mentions ?? [])
    .map((m) => ({ id: m.id, name: mentionName(m.name) }))
    .filter((m) => m.name !== '' && m.id !== '' && m.id.length <= 200)
    .slice(0, FIX_APPROVAL_CARD_LIMITS.mentions);
  const who = people.length > 0 ? people.map((m) => `<at>${m.name}</at>`).join(', ') : inertText(input.approvers, TEXT_LIMITS.summary);
  return {
    text: `**Who can approve:** ${who}. Not the requester, ${name(input.view.requestedBy.name)}, who can withdraw the request.`,
    entities: people.map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: { id: m.id, name: m.name } })),
  };
}

/**
 * Template data for cards/fix-approval.json: who asks what for whom — the grant as facts (role, kubelet identity,
 * registry) and its full scope in a code block —, why (the root cause in one sentence), until when (once, in the
 * status line), who can approve (mentioned), who decided and what happened. Every value that comes from a cluster,
 * Azure or a person is made inert; the scope is a registry's resource id the fix flow checked. The buttons carry only
 * the request's opaque id.
 */
export function fixApprovalCardData(input: FixApprovalCardInput): object {
  const { view } = input;
  const header = HEADER[view.status];
  const cluster = name(view.target.cluster);
  const title = `${header.icon} ${inertText(view.headline, TEXT_LIMITS.summary)}`;
  // Once decided, withdrawn or expired, who could have approved is no longer news.
  const approvers = view.canDecide ? approversLine(input) : { text: '', entities: [] };
  const standIn = view.canDecide && input.standIn !== undefined ? `Approve as ${mentionName(input.standIn)} (sandbox)` : '';
  return {
    sandbox: input.sandbox,
    summary: `Fix approval: ${view.headline}. ${view.statusText}`,
    style: header.style,
    title,
    status: inertText(view.statusText, TEXT_LIMITS.summary),
    notice: input.notice === undefined ? '' : inertText(input.notice, TEXT_LIMITS.summary),
    why: inertText(view.why.sentence, TEXT_LIMITS.summary),
    facts: [
      { title: 'Role', value: name(view.change.role) },
      { title: 'Identity', value: `kubelet identity of ${cluster} (object id ${name(view.change.principalId)})` },
      { title: 'Registry', value: name(view.change.registry) },
      { title: 'Pod', value: `${name(view.target.namespace)}/${name(view.target.pod)} on ${cluster}` },
      { title: 'Requested by', value: `${name(view.requestedBy.name)} at ${formatUtc(view.requestedAt)}` },
    ],
    scope: view.change.scope,
    roleDefinitionId: view.change.roleDefinitionId,
    evidence: evidence(view),
    approvers: approvers.text,
    entities: approvers.entities,
    outcome: outcome(view),
    reference: inertText(view.id, 40),
    canDecide: view.canDecide,
    canRecheck: view.canRecheck,
    standIn,
    id: view.id,
    verbs: FIX_CARD_VERBS,
  };
}

/**
 * Where a fix request stands, for the card it was requested from (a diagnosis or an alert card, drawn again in place
 * under a status line), and whether that card offers Request fix again (nothing was changed and nothing waits).
 * `again`: the press found this request already under way; `here`: its approval card is in the conversation of the
 * press; `personal`: the press came from a personal chat, where no approver sees the approval card.
 */
export function originMark(
  view: FixRequestView,
  where: { again: boolean; here: boolean; personal: boolean },
): CardStatus & { offerRequestFix: boolean } {
  const by = view.decision?.by ?? '';
  const when = view.decision ? formatUtc(view.decision.at) : '';
  switch (view.status) {
    case 'pending': {
      if (where.again) {
        const card = where.here ? 'its approval card is in this conversation' : 'its approval card is in another conversation';
        const text = `Fix already requested by ${view.requestedBy.name} at ${formatUtc(view.requestedAt)} — waiting for approval; ${card}`;
        return { text, tone: 'warning', offerRequestFix: false };
      }
      const personal = where.personal ? ': this is a personal chat, where no approver sees the approval card' : '';
      return {
        text: `Fix requested by ${view.requestedBy.name} — waiting for approval${personal}`,
        tone: 'warning',
        offerRequestFix: false,
      };
    }
    case 'approved':
    case 'executing':
      return { text: `Fix approved by ${by} — being applied`, tone: 'good', offerRequestFix: false };
    case 'completed':
      return view.outcome?.kind === 'already-fixed'
        ? {
            text: `Nothing to change: the kubelet identity can already pull from ${view.change.registry}`,
            tone: 'good',
            offerRequestFix: false,
          }
        : {
            text: `Fix applied: ${view.change.role} on ${view.change.registry}, approved by ${by} at ${when}`,
            tone: 'good',
            offerRequestFix: false,
          };
    case 'failed':
      return { text: `Fix approved by ${by} but not applied — the approval card says why`, tone: 'attention', offerRequestFix: true };
    case 'rejected':
      return { text: `Fix rejected by ${by} at ${when} — nothing was changed`, tone: 'default', offerRequestFix: true };
    case 'withdrawn':
      return {
        text: `Fix request withdrawn by ${view.withdrawal?.by ?? view.requestedBy.name} at ${formatUtc(view.withdrawal?.at)} — nothing was changed`,
        tone: 'default',
        offerRequestFix: true,
      };
    case 'expired':
      return {
        text: `Fix request expired at ${formatUtc(view.expiresAt)} without a decision — nothing was changed`,
        tone: 'default',
        offerRequestFix: true,
      };
  }
}

/** What the person who pressed can do about a refusal that shows no request (it may not be theirs to see). */
const ADVICE: Partial<Record<FixRefusalReason, string>> = {
  'altered-card': 'Use the buttons of the approval card as Pull Doctor posted it.',
  'unknown-request': 'Run the diagnosis again and request the fix anew if it is still needed.',
  'wrong-conversation': 'Decide in the conversation where the fix was requested: its approval card is there.',
  'wrong-tenant': 'Only people of the organisation where the fix was requested can decide on it.',
};

/** Template data for cards/fix-refused.json: a refused press that cannot show the request (none, or not here). */
export function fixRefusedCardData(refusal: FixRefusal, sandbox: boolean): object {
  const message = inertText(refusal.message, TEXT_LIMITS.message);
  return {
    sandbox,
    summary: `Refused: ${refusal.message}`,
    message,
    advice: ADVICE[refusal.reason] ?? 'Ask an approver to look at the approval card.',
    reason: refusal.reason,
  };
}
