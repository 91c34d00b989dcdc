import type { Cause, DiagnosisTarget, Fix } from '../diagnosis/types.js';
import type { Logger } from '../logging/index.js';
import type { ConversationAddress } from './conversation-address.js';
import type { ProactiveSender } from './proactive-sender.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import type { TeamsCards } from './cards/teams-cards.js';

/** Who pressed a button, as Teams identifies them. */
export interface TeamsUser {
  id: string;
  name?: string;
  aadObjectId?: string;
}

/** A request to apply a diagnosis's fix, built from facts stored server-side when the card was sent. */
export interface FixRequest {
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

/** What a handler may use to show cards: this bot's cards (with its sandbox label) and its proactive sender. */
export interface TeamsOutlet {
  cards: TeamsCards;
  sender: ProactiveSender;
}

/** A press of **Approve** or **Reject** on an approval card, as the invoke carried it: untrusted input. */
export interface FixDecisionPress {
  decision: 'approve' | 'reject';
  /** `value.action.data` as received; the approval card's buttons carry only `{ id }`. */
  data: unknown;
  user: TeamsUser;
  /** The Entra tenant and conversation the press came from. */
  tenantId?: string;
  conversationId: string;
  conversation: ConversationAddress;
  /** The message the button was on (`replyToId`). */
  messageId?: string;
}

export interface FixDecisionAnswer {
  /** The answer to the invoke, at once: it replaces the card for the person who pressed. */
  card: AdaptiveCardJson;
  /** Work for after the answer (execute the fix, update the approval card for everyone). */
  followUp?: () => Promise<void>;
}

/**
 * Extension point for the approval flow. When the bot is given a handler, diagnosis cards with a fix show a
 * **Request fix** button and pressing it calls `requestFix`; without one the button is not shown. The
 * `approveFix` / `rejectFix` buttons of the cards the handler posts come back to `decideFix`. Both answer within
 * seconds and leave slow work to `followUp`. Throw PullDoctorError (e.g. FIX_REFUSED) from `requestFix` to show an
 * error card instead of the receipt.
 */
export interface FixRequestHandler {
  requestFix(request: FixRequest, log: Logger, teams: TeamsOutlet): Promise<FixRequestReceipt>;
  /** Without it, Approve / Reject presses are refused as unknown buttons. */
  decideFix?(press: FixDecisionPress, log: Logger, teams: TeamsOutlet): Promise<FixDecisionAnswer>;
}
