import type { FixRequest, FixRequestReceipt } from '../fix-request-handler.js';
import { inertText, TEXT_LIMITS } from './inert-text.js';
import { targetText } from './target-text.js';

/** The registry's name from its resource id (`.../registries/shopacr` → `shopacr`). */
function lastSegment(resourceId: string): string {
  const parts = resourceId.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? resourceId;
}

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
        value: `Assign AcrPull on ${inertText(lastSegment(request.fix.scope), TEXT_LIMITS.name)} to the kubelet identity ${inertText(request.fix.principalId, TEXT_LIMITS.name)}`,
      },
      { title: 'Requested by', value: inertText(by, TEXT_LIMITS.name) },
    ],
    nextStep: inertText(receipt.nextStep, TEXT_LIMITS.summary),
  };
}
