import type { ApprovalsConfig } from '../config/index.js';
import type { GraphClient } from '../clients/graph/graph-client.js';
import { describeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';

export type ApproverVerdict =
  | { approver: true; via: 'list' | 'group' }
  /** `error`: the membership could not be checked (Graph refused or failed), so the answer is no. */
  | { approver: false; error?: string };

/** Whether an Entra object id may approve fixes. Fails closed: any doubt is a no. */
export type ApproverCheck = (objectId: string) => Promise<ApproverVerdict>;

/**
 * Approvers are the object ids in APPROVERS, plus the (transitive) members of APPROVER_GROUP_ID when one is
 * configured, asked of Microsoft Graph each time (membership changes take effect at once; no cache).
 */
export function createApproverCheck(config: Pick<ApprovalsConfig, 'approvers' | 'approverGroupId'>, deps: { graph?: GraphClient; log: Logger }): ApproverCheck {
  const listed = new Set(config.approvers.map((id) => id.toLowerCase()));
  const group = config.approverGroupId?.toLowerCase();
  if (group !== undefined && deps.graph === undefined) throw new Error('APPROVER_GROUP_ID is set: a Graph client is needed to check membership');
  return async (objectId) => {
    const id = objectId.toLowerCase();
    if (listed.has(id)) return { approver: true, via: 'list' };
    if (group === undefined) return { approver: false };
    try {
      const groups = await deps.graph!.checkMemberGroups(id, [group]);
      return groups.includes(group) ? { approver: true, via: 'group' } : { approver: false };
    } catch (error) {
      const advice = describeError(error);
      // An object Graph does not know is simply not a member.
      if (advice.code === 'AZURE_NOT_FOUND') return { approver: false };
      deps.log.warn('approver group membership could not be checked', { code: advice.code, error });
      return { approver: false, error: `${advice.title}: ${advice.message} ${advice.advice}` };
    }
  };
}
