import { PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { CARD_ACTION_VERBS, type CardAction, type CardActionStore, type CardActionVerb } from './card-action-store.js';
import { sameConversation } from './conversation-id.js';
import type { DiagnosisCardMaker } from './diagnosis-card-maker.js';
import type { FixRequestHandler, TeamsUser } from './fix-request-handler.js';
import type { TeamsCards } from './cards/teams-cards.js';
import type { AdaptiveCardJson } from './cards/render-card.js';

/** A pressed `Action.Execute` button as the invoke carries it: untrusted input. */
export interface CardActionInvoke {
  verb: unknown;
  data: unknown;
  conversationId: string;
  user: TeamsUser;
}

export interface CardActionOutcome {
  /** The answer to the invoke, at once: it replaces the card the button was on, for the user who pressed it. */
  card: AdaptiveCardJson;
  /**
   * Work that takes longer than Teams waits for an invoke answer (a diagnosis): it makes the card that then replaces
   * the message for everyone. `card` says meanwhile that the work is under way.
   */
  followUp?: () => Promise<AdaptiveCardJson>;
}

export interface CardActionHandlerOptions {
  cardActions: CardActionStore;
  cards: TeamsCards;
  diagnosisCards: DiagnosisCardMaker;
  fixRequests?: FixRequestHandler;
}

function isVerb(value: unknown): value is CardActionVerb {
  return typeof value === 'string' && (CARD_ACTION_VERBS as readonly string[]).includes(value);
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
 * once with a "Re-running checks…" / "Diagnosing…" card and leave the diagnosis as a follow-up; **Show events**
 * answers from stored data; **Request fix** waits for the FixRequestHandler (which must answer within seconds).
 */
export class CardActionHandler {
  constructor(private readonly options: CardActionHandlerOptions) {}

  async handle(invoke: CardActionInvoke, log: Logger): Promise<CardActionOutcome> {
    const { cards } = this.options;
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
        return { card: cards.diagnosing(target, run), followUp: () => this.options.diagnosisCards.make(target, run, conversationId, log) };
      }
      case 'events':
        // Only stored data: answered within the invoke.
        return { card: cards.events({ target: action.target, events: action.events, eventCount: action.eventCount, diagnosedAt: action.diagnosedAt, rerunId: action.rerunId }) };
      case 'requestFix':
        return { card: await this.requestFix(action, invoke.user, log) };
    }
  }

  private async requestFix(action: Extract<CardAction, { verb: 'requestFix' }>, user: TeamsUser, log: Logger): Promise<AdaptiveCardJson> {
    const { cards, fixRequests } = this.options;
    if (fixRequests === undefined) {
      log.warn('card action refused: fix requests are not enabled');
      return cards.error({ error: new PullDoctorError('FIX_REFUSED', 'Fix requests are not enabled on this bot.', { advice: 'Apply the fix by hand; the diagnosis card says how.' }), target: action.target });
    }
    const request = {
      target: action.target,
      fix: action.fix,
      cause: action.cause,
      diagnosedAt: action.diagnosedAt,
      requestedBy: user,
      conversationId: action.conversationId,
    };
    try {
      const receipt = await fixRequests.requestFix(request, log);
      log.info('fix requested', { reference: receipt.reference, pod: action.target.pod, namespace: action.target.namespace });
      return cards.fixRequested(request, receipt);
    } catch (error) {
      log.warn('fix request failed', { error });
      return cards.error({ error, target: action.target });
    }
  }
}
