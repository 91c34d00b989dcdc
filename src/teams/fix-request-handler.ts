import type { Cause, Fix } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { DiagnoseRequest } from './diagnoser.js';

/** Who pressed a button, as Teams identifies them. */
export interface TeamsUser {
  id: string;
  name?: string;
  aadObjectId?: string;
}

/** A request to apply a diagnosis's fix, built from facts stored server-side when the card was sent. */
export interface FixRequest {
  target: DiagnoseRequest;
  fix: Fix;
  cause: Cause | null;
  /** When the diagnosis that proposed the fix finished. */
  diagnosedAt: string;
  requestedBy: TeamsUser;
  conversationId: string;
}

export interface FixRequestReceipt {
  /** A short reference the requester can quote (shown on the card). */
  reference: string;
  /** What happens next, in plain words (e.g. "An approver has been asked in #ops-approvals"). */
  nextStep?: string;
}

/**
 * Extension point for the approval flow (another task). When the bot is given a handler, diagnosis cards with a
 * fix show a **Request fix** button and pressing it calls `requestFix`; without one the button is not shown.
 * Throw PullDoctorError (e.g. FIX_REFUSED) to show an error card instead of the receipt.
 */
export interface FixRequestHandler {
  requestFix(request: FixRequest, log: Logger): Promise<FixRequestReceipt>;
}
