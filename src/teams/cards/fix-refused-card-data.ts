import type { FixRefusal, FixRefusalReason } from '../../fixes/index.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';

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
