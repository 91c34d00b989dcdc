/** Why a decision on a fix request was refused. Stable strings: cards and scripts rely on them. */
export const FIX_REFUSAL_REASONS = [
  'altered-card',
  'unknown-request',
  'wrong-tenant',
  'wrong-conversation',
  'not-approver',
  'approver-check-failed',
  'self-approval',
  'expired',
  'already-decided',
] as const;
export type FixRefusalReason = (typeof FIX_REFUSAL_REASONS)[number];

export interface FixRefusal {
  reason: FixRefusalReason;
  /** One sentence a person can act on; names no one's secrets. */
  message: string;
}

const MESSAGES: Record<FixRefusalReason, string> = {
  'altered-card': 'This button does not carry what Pull Doctor put on the approval card (its data was changed), so nothing was done.',
  'unknown-request': 'This fix request does not exist (or no longer exists).',
  'wrong-tenant': 'This fix request belongs to another organisation.',
  'wrong-conversation': 'This fix request can only be decided in the conversation where it was made.',
  'not-approver': 'You are not one of the approvers for fixes.',
  'approver-check-failed': 'Your approver group membership could not be checked, so the decision was refused.',
  'self-approval': 'You made this request: someone else must decide on it.',
  expired: 'This fix request has expired; run the diagnosis again to request the fix anew.',
  'already-decided': 'This fix request has already been decided.',
};

export function fixRefusal(reason: FixRefusalReason, detail?: string): FixRefusal {
  return { reason, message: detail === undefined ? MESSAGES[reason] : `${MESSAGES[reason]} ${detail}` };
}
