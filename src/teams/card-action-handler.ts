import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { CARD_ACTION_VERBS, type CardAction, type CardActionStore, type CardActionVerb } from './card-action-store.js';
import { sameConversation } from './conversation-id.js';
import type { DiagnosisCardMaker } from './diagnosis-card-maker.js';
import type { ConversationAddress } from './conversation-address.js';
import type { FixRequest, FixRequestHandler, TeamsOutlet, TeamsUser } from './fix-request-handler.js';
import type { TeamsCards } from './cards/teams-cards.js';
import type { AdaptiveCardJson } from './cards/render-card.js';
import { FIX_DECISION_VERBS } from './cards/fix-approval-card-data.js';

/** A pressed `Action.Execute` button as the invoke carries it: untrusted input. */
export interface CardActionInvoke {
  verb: unknown;
  data: unknown;
  conversationId: string;
  user: TeamsUser;
  /** The Entra tenant of the conversation, as the activity says. */
  tenantId?: string;
  /** Where to post in this conversation later. */
  conversation: ConversationAddress;
  /** The message the button was on (`replyToId`). */
  messageId?: string;
}

export interface CardActionOutcome {
  /** The answer to the invoke, at once: it replaces the card the button was on, for the user who pressed it. */
  card: AdaptiveCardJson;
  /**
   * Work that takes longer than Teams waits for an invoke answer (a diagnosis): it makes the card that then replaces
   * the message for everyone. `card` says meanwhile that the work is under way.
   */
  followUp?: () => Promise<AdaptiveCardJson>;
  /** Other work for after the answer (the fix flow's: post or update its own cards). */
  afterAnswer?: () => Promise<void>;
}

export interface CardActionHandlerOptions {
  cardActions: CardActionStore;
  cards: TeamsCards;
  diagnosisCards: DiagnosisCardMaker;
  fixRequests?: FixRequestHandler;
  /** What the fix request handler may use to show cards. */
  outlet: TeamsOutlet;
}

function isVerb(value: unknown): value is CardActionVerb {
  return typeof value === 'string' && (CARD_ACTION_VERBS as readonly string[]).includes(value);
}

function decisionOf(verb: unknown): 'approve' | 'reject' | undefined {
  if (verb === FIX_DECISION_VERBS.approve) return 'approve';
  if (verb === FIX_DECISION_VERBS.reject) return 'reject';
  return undefined;
}

function expired(): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', 'This card has expired or does not belong to this conversation.', {
    advice: 'Ask again, e.g. "why is pod NAME failing in NAMESPACE", to get a fresh card.',
  });
}

/**
 * Answers the cards' buttons. The card carries only `{ id }`; the id must have been issued for this verb and this
 * conversation (any thread of the channel it was issued in: an alert posted to a channel comes back from its own
 * thread), and everything else comes from the stored action. **Re-run checks** and **Diagnose NAME** answer at
 * once with a "Re-running checks…" / "Diagnosing…" card (or "Waiting…" when the diagnosis queues behind others, or
 * "busy" when the queue is full) and leave the diagnosis as a follow-up; **Show events**
 * answers from stored data; **Request fix** waits for the FixRequestHandler (which must answer within seconds).
 */
export class CardActionHandler {
  constructor(private readonly options: CardActionHandlerOptions) {}

  async handle(invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const { cards } = this.options;
    const decision = decisionOf(invoke.verb);
    // Approve / Reject carry a fix request id, not a card action id: the fix flow checks it.
    if (decision !== undefined) return this.decideFix(decision, invoke, log);
    const id = typeof invoke.data === 'object' && invoke.data !== null ? (invoke.data as { id?: unknown }).id : undefined;
    if (!isVerb(invoke.verb) || typeof id !== 'string' || id === '' || id.length > 200) {
      log.warn('card action refused: malformed', { verb: typeof invoke.verb === 'string' ? invoke.verb.slice(0, 40) : typeof invoke.verb });
      return { card: cards.error({ error: expired() }) };
    }
    let action: CardAction | undefined;
    try {
      action = await this.options.cardActions.get(id);
    } catch (error) {
      log.error('card action store failed', { error });
      return { card: cards.error({ error }) };
    }
    if (action === undefined || action.verb !== invoke.verb || !sameConversation(action.conversationId, invoke.conversationId)) {
      log.warn('card action refused', { verb: invoke.verb, reason: action === undefined ? 'unknown or expired id' : 'verb or conversation mismatch' });
      return { card: cards.error({ error: expired() }) };
    }
    log.info('card action', { verb: action.verb, pod: action.target.pod, namespace: action.target.namespace, run: action.run });
    switch (action.verb) {
      case 'rerun':
      case 'diagnose': {
        const run = action.run + 1;
        const { target, conversationId } = action;
        const { diagnosisCards } = this.options;
        const outlook = diagnosisCards.outlook();
        if ('full' in outlook) return { card: await diagnosisCards.busy(target, run, conversationId, log) };
        if (outlook.queued) log.info('diagnosis queued', { position: outlook.position });
        return { card: cards.diagnosing(target, run, outlook.queued ? outlook.position : undefined), followUp: () => diagnosisCards.make(target, run, conversationId, log) };
      }
      case 'events':
        // Only stored data: answered within the invoke.
        return { card: cards.events({ target: action.target, events: action.events, eventCount: action.eventCount, diagnosedAt: action.diagnosedAt, rerunId: action.rerunId }) };
      case 'requestFix':
        return this.requestFix(action, invoke, log);
    }
  }

  private async requestFix(action: Extract<CardAction, { verb: 'requestFix' }>, invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const { cards, fixRequests } = this.options;
    if (fixRequests === undefined) {
      log.warn('card action refused: fix requests are not enabled');
      return {
        card: cards.error({
          error: new PullDoctorError('FIX_REFUSED', 'Fix requests are not enabled on this bot.', { advice: 'Apply the fix by hand; the diagnosis card says how.' }),
          target: action.target,
        }),
      };
    }
    // The fix, cause and target come from the stored action; who pressed, and where, from the invoke. The request's
    // conversation is the one the press came from (checked above to be the action's, or a thread of its channel):
    // the approval card is posted there, so its Approve / Reject presses come from there too. An alert posted to a
    // channel stores the channel, but its buttons are pressed in the thread the card started.
    const request: FixRequest = {
      target: action.target,
      fix: action.fix,
      cause: action.cause,
      diagnosedAt: action.diagnosedAt,
      ...(action.cluster ? { cluster: action.cluster } : {}),
      ...(action.evidence ? { evidence: action.evidence } : {}),
      requestedBy: invoke.user,
      conversationId: invoke.conversationId,
      ...(invoke.tenantId ? { tenantId: invoke.tenantId } : {}),
      conversation: invoke.conversation,
    };
    try {
      const receipt = await fixRequests.requestFix(request, log, this.options.outlet);
      log.info('fix requested', { reference: receipt.reference, pod: action.target.pod, namespace: action.target.namespace });
      return { card: cards.fixRequested(request, receipt), ...(receipt.followUp ? { afterAnswer: receipt.followUp } : {}) };
    } catch (error) {
      log.warn('fix request failed', { error });
      return { card: cards.error({ error, target: action.target }) };
    }
  }

  private async decideFix(decision: 'approve' | 'reject', invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const { cards, fixRequests } = this.options;
    if (fixRequests?.decideFix === undefined) {
      log.warn('card action refused: fix decisions are not enabled', { decision });
      return { card: cards.error({ error: expired() }) };
    }
    try {
      const answer = await fixRequests.decideFix(
        {
          decision,
          data: invoke.data,
          user: invoke.user,
          ...(invoke.tenantId ? { tenantId: invoke.tenantId } : {}),
          conversationId: invoke.conversationId,
          conversation: invoke.conversation,
          ...(invoke.messageId ? { messageId: invoke.messageId } : {}),
        },
        log,
        this.options.outlet,
      );
      return { card: answer.card, ...(answer.followUp ? { afterAnswer: answer.followUp } : {}) };
    } catch (error) {
      log.error('fix decision failed', { error, decision });
      return { card: cards.error({ error }) };
    }
  }
}
