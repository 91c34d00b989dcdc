import { registryNameOf, roleNameOf } from '../../fixes/index.js';
import type { FixRequest, FixRequestReceipt } from '../fix-request-handler.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { targetText } from './target-text.js';

/**
 * The next step is the bot's own sentence (who can approve, until when, and in a personal chat that nobody else sees
 * the card): longer than a summary, and cut only if an approvers text is absurdly long.
 */
const NEXT_STEP_LIMIT = 800;

/** Template data for cards/fix-requested.json. */
export function fixRequestedCardData(request: FixRequest, receipt: FixRequestReceipt, sandbox: boolean): object {
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
