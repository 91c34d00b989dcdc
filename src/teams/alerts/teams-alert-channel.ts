import { teamsSendFailed, type AlertChannel } from '../../alerts/alert-delivery.js';
import type { AlertCard, AlertView } from '../../alerts/alert-view.js';
import type { StoredConversation } from '../../alerts/routing.js';
import { isPullDoctorError, PullDoctorError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import type { CardActionStore } from '../card-action-store.js';
import type { TeamsCards } from '../cards/teams-cards.js';
import type { AdaptiveCardJson } from '../cards/render-card.js';
import type { ConversationAddress } from '../conversation-address.js';
import { storeDiagnosisActions } from '../diagnosis-card-actions.js';
import type { ProactiveSender } from '../proactive-sender.js';
import { storedAddress } from './alert-address.js';
import type { DiagnosisTarget } from '../../diagnosis/types.js';

export interface TeamsAlertChannelOptions {
  /** `createTeamsBot(...).sender`: posts as the bot, outside a turn. */
  sender: ProactiveSender;
  /** `createTeamsBot(...).cards`: the same templates and Sandbox label as the bot's other cards. */
  cards: TeamsCards;
  /** The bot's card action store: the alert card's buttons are stored exactly as the diagnosis card's. */
  cardActions: CardActionStore;
  /** Whether a FixRequestHandler is configured (then a firing alert with a proposed fix offers **Request fix**). */
  fixRequestsEnabled: boolean;
  /**
   * The name the bot's Diagnoser knows an alert's cluster by, for **Re-run checks**; undefined for the default cluster.
   * Default: the alert's cluster name as it is.
   */
  diagnoserCluster?: (alertCluster: string) => string | undefined;
  log: Logger;
}

/**
 * The alerts core's AlertChannel over the Teams ProactiveSender: renders alert and summary cards (storing the alert
 * card's buttons) and posts or updates them in the stored conversation. Teams' refusals become
 * `teamsSendFailed(status, message, retryAfter)`, so the core waits after a 429, forgets the conversation after a 403
 * or 404, and retries anything else. Errors without an HTTP status (network, the card action store) are passed on
 * as they are: the core retries them.
 */
export class TeamsAlertChannel implements AlertChannel {
  private readonly log: Logger;

  constructor(private readonly options: TeamsAlertChannelOptions) {
    this.log = options.log.child({ component: 'teams-alert-channel' });
  }

  async post(conversation: StoredConversation, card: AlertCard): Promise<{ messageId: string }> {
    const address = this.addressOf(conversation);
    const json = await this.render(conversation, card);
    const sent = await this.send(() => this.options.sender.sendCard(address, json, this.log));
    if (!sent.activityId) throw teamsSendFailed(502, 'Teams accepted the alert card but returned no message id to update it by.');
    return { messageId: sent.activityId };
  }

  async update(conversation: StoredConversation, messageId: string, card: AlertCard): Promise<void> {
    const address = this.addressOf(conversation);
    const json = await this.render(conversation, card);
    await this.send(() => this.options.sender.updateCard(address, messageId, json, this.log));
  }

  private addressOf(conversation: StoredConversation): ConversationAddress {
    const address = storedAddress(conversation);
    if (address === undefined) {
      this.log.error('the stored conversation reference cannot be used to post', { conversationId: conversation.conversationId });
      throw new PullDoctorError('INVALID_INPUT', 'The stored conversation reference is not a conversation address.', { facts: { conversationId: conversation.conversationId } });
    }
    return address;
  }

  private async render(conversation: StoredConversation, card: AlertCard): Promise<AdaptiveCardJson> {
    if (card.kind === 'summary') return this.options.cards.alertSummary(card);
    const actions = await storeDiagnosisActions(this.options.cardActions, this.actionInput(conversation.conversationId, card), this.options.fixRequestsEnabled);
    return this.options.cards.alert({ view: card, actions });
  }

  private actionInput(conversationId: string, view: AlertView) {
    const cluster = this.options.diagnoserCluster ? this.options.diagnoserCluster(view.cluster) : view.cluster;
    const target: DiagnosisTarget = { pod: view.diagnosis.pod, namespace: view.namespace, ...(cluster !== undefined ? { cluster } : {}) };
    return {
      conversationId,
      target,
      run: 1,
      events: view.diagnosis.events,
      eventCount: view.diagnosis.events.length,
      diagnosedAt: view.diagnosis.diagnosedAt,
      // A resolved alert needs no fix: no Request fix button on it.
      fix: view.status === 'firing' ? view.diagnosis.fix : null,
      cause: view.cause,
    };
  }

  private async send<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isPullDoctorError(error) && error.code === 'TEAMS_SEND_FAILED' && typeof error.facts.status === 'number') {
        const retryAfter = error.facts.retryAfter;
        throw teamsSendFailed(error.facts.status, error.message, typeof retryAfter === 'string' || typeof retryAfter === 'number' ? retryAfter : undefined);
      }
      throw error;
    }
  }
}
